import Foundation

/// The plan in machine-readable form: `{"steps":[{id,title,why,argv,probe}], "manifest": "..."}`.
public enum PlanJSON {
    struct Document: Encodable {
        var steps: [StepEntry]
        var manifest: String
    }

    struct StepEntry: Encodable {
        var id: String
        var title: String
        var why: String
        var argv: [String]
        var probe: [String]?
        var kind: String
        var captures: [String]

        enum CodingKeys: String, CodingKey { case id, title, why, argv, probe, kind, captures }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(why, forKey: .why)
            try c.encode(argv, forKey: .argv)
            // null, not a missing key, when a step has no probe.
            try c.encode(probe, forKey: .probe)
            try c.encode(kind, forKey: .kind)
            try c.encode(captures, forKey: .captures)
        }
    }

    /// Pretty-printed JSON with keys in a stable order.
    public static func render(_ plan: Plan) -> String {
        encode(Document(steps: entries(plan.steps), manifest: plan.manifest))
    }

    static func entries(_ steps: [Step]) -> [StepEntry] {
        steps.map {
            StepEntry(id: $0.id.rawValue, title: $0.title, why: $0.why, argv: $0.argv, probe: $0.probe?.argv,
                      kind: $0.kind.rawValue, captures: $0.captures)
        }
    }

    /// Pretty-printed with sorted keys and a final newline.
    static func encode(_ document: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text + "\n"
    }
}
