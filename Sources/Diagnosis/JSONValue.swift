import Foundation

/// Read-only access to parsed JSON (a command's `--format json` / `-o json` output) without a Codable model of
/// every API object: a missing key or a wrong type reads as nil.
struct JSONValue {
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw }

    /// Parses `text`; an empty or malformed text is a value that reads as nil everywhere.
    init(parsing text: String) {
        raw = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    subscript(key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }
    subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return JSONValue(nil) }
        return JSONValue(array[index])
    }

    /// Follows a dotted path of keys (`a.b.c`); keys holding dots are read with the subscript instead.
    func path(_ dotted: String) -> JSONValue { dotted.split(separator: ".").reduce(self) { $0[String($1)] } }

    var string: String? {
        if let text = raw as? String { return text }
        if let number = raw as? NSNumber { return number.stringValue }
        return nil
    }
    var number: Double? { (raw as? NSNumber)?.doubleValue ?? (raw as? String).flatMap(Double.init) }
    var bool: Bool? { (raw as? Bool) ?? (raw as? NSNumber)?.boolValue ?? (raw as? String).map { $0.lowercased() == "true" } }
    var array: [JSONValue] { (raw as? [Any])?.map(JSONValue.init) ?? [] }
    var object: [String: JSONValue] { ((raw as? [String: Any]) ?? [:]).mapValues(JSONValue.init) }
    var isNil: Bool { raw == nil || raw is NSNull }
    /// A string-to-string map such as labels, annotations or a nodeSelector; non-string values as their text.
    var stringMap: [String: String] {
        object.compactMapValues { value in
            if let text = value.string { return text }
            guard let raw = value.raw, !(raw is NSNull) else { return nil }
            return "\(raw)"
        }
    }
}
