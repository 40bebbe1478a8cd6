import Foundation

/// A strict validator for the OpenAPI v3 subset that Kubernetes CRD schemas use:
/// types, properties (unknown fields are errors), required, items, additionalProperties, enum,
/// x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields.
struct SchemaValidator {
    /// Every violation of `schema` by `value`, as `path: problem`.
    static func violations(of value: Any, against schema: [String: Any], path: String = "") -> [String] {
        var problems: [String] = []
        if schema["x-kubernetes-preserve-unknown-fields"] as? Bool == true, schema["properties"] == nil {
            return []
        }
        if schema["x-kubernetes-int-or-string"] as? Bool == true {
            if !(value is Int || value is String) { problems.append("\(path): must be an integer or a string") }
            return problems
        }
        if let values = schema["enum"] as? [Any], !values.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path): \(value) is not one of \(values)")
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): must be an object"] }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path).\(key): is required")
            }
            for (key, child) in object {
                let childPath = "\(path).\(key)"
                if let childSchema = properties[key] as? [String: Any] {
                    problems += violations(of: child, against: childSchema, path: childPath)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += violations(of: child, against: additional, path: childPath)
                } else if properties.isEmpty, schema["x-kubernetes-preserve-unknown-fields"] as? Bool == true || path == ".metadata" {
                    continue
                } else {
                    problems.append("\(childPath): unknown field")
                }
            }
        case "array":
            guard let array = value as? [Any] else { return ["\(path): must be an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { problems += violations(of: item, against: items, path: "\(path)[\(i)]") }
            }
        case "string":
            if !(value is String) { problems.append("\(path): must be a string, got \(type(of: value))") }
        case "integer":
            if !(value is Int) { problems.append("\(path): must be an integer, got \(type(of: value))") }
        case "boolean":
            if !(value is Bool) { problems.append("\(path): must be a boolean") }
        case "number":
            if !(value is Int || value is Double) { problems.append("\(path): must be a number") }
        default:
            break
        }
        return problems
    }
}
