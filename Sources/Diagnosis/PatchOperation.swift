import Foundation

/// One JSON Patch (RFC 6902) operation of a `kubectl patch --type json` fix, encoded by JSONEncoder so every path
/// and value is escaped whatever it holds.
struct PatchOperation: Encodable, Equatable {
    enum Op: String, Encodable {
        case add, remove, replace
    }

    /// A string, or a map of strings (a whole nodeSelector).
    enum Value: Encodable, Equatable {
        case text(String)
        case map([String: String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .map(let map): try container.encode(map)
            }
        }
    }

    var op: Op
    /// A JSON Pointer into the object (see `pointer`).
    var path: String
    var value: Value?

    init(_ op: Op, _ path: String, _ value: String? = nil) {
        self.op = op
        self.path = path
        self.value = value.map(Value.text)
    }

    init(_ op: Op, _ path: String, map: [String: String]) {
        self.op = op
        self.path = path
        value = .map(map)
    }

    /// A map key as one JSON Pointer token: `~` and `/` escaped.
    static func pointer(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The operations as the JSON array `kubectl patch -p` takes, on one line, keys in order (op, path, value).
    static func document(_ operations: [PatchOperation]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(operations) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
