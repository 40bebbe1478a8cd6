/// One problem with one answer: the key path, the offending value and the rule it breaks.
public struct FieldError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Dotted key path, e.g. `bucket.name`; empty for the file as a whole.
    public var path: String
    /// The value as given, or nil when the problem is not about a value (missing key, parse error).
    public var value: String?
    public var rule: String

    public init(path: String, value: String?, rule: String) {
        self.path = path
        self.value = value
        self.rule = rule
    }

    /// `bucket.name "My_Bucket": bucket names use lowercase letters, ...`
    public var description: String {
        let head = path.isEmpty ? "answers" : path
        guard let value else { return "\(head): \(rule)" }
        return "\(head) \(Self.quoted(value)): \(rule)"
    }

    /// Quotes a value for an error message with control characters made visible.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// All the problems found in a set of answers, reported at once.
public struct AnswersError: Error, Equatable, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
