import Foundation

/// One record of a JSON Lines stream (`--output json`): an object with `event`, `time` (ISO 8601, UTC) and the
/// body's own keys, keys sorted, on a single line.
public enum JSONLine {
    /// The line for `event` with `body`'s keys; nil only if `body` cannot be encoded as an object.
    public static func encode(event: String, _ body: some Encodable, at date: Date = Date()) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Record(event: event, time: date.formatted(.iso8601), body: body)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private struct Record<Body: Encodable>: Encodable {
        var event: String
        var time: String
        var body: Body

        enum Keys: String, CodingKey { case event, time }

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(event, forKey: .event)
            try container.encode(time, forKey: .time)
        }
    }
}
