import Foundation

/// The plan in machine-readable form: `{"steps":[{id,title,why,argv,probe,needs,...}], "manifest": "...", "manualAuthManifest": ...,
/// "networkPolicy": ...}`.
public enum PlanJSON {
    struct Document: Encodable {
        var steps: [StepEntry]
        var manifest: String
        /// Present (null when there is none) so a reader sees the RayCluster that may be applied instead.
        var manualAuthManifest: String?
        /// networkpolicy.yaml; null without `ray.networkPolicy`.
        var networkPolicy: String?

        enum CodingKeys: String, CodingKey { case steps, manifest, manualAuthManifest, networkPolicy }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(steps, forKey: .steps)
            try c.encode(manifest, forKey: .manifest)
            try c.encode(manualAuthManifest, forKey: .manualAuthManifest)
            try c.encode(networkPolicy, forKey: .networkPolicy)
        }
    }

    struct StepEntry: Encodable {
        var id: String
        var title: String
        var why: String
        var argv: [String]
        var probe: [String]?
        var kind: String
        var captures: [String]
        /// `{"placeholder", "equals"}`: the step runs only when the value read earlier is that.
        var runsWhen: StepCondition?
        /// What the command reads on stdin (`random-token`), made at run time.
        var input: String?
        /// The ids of the steps that must be done before this one starts (`apply` runs the others at the same time);
        /// left out of a destroy plan, which runs one step after another.
        var needs: [String]?

        enum CodingKeys: String, CodingKey { case id, title, why, argv, probe, kind, captures, runsWhen, input, needs }

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
            try c.encodeIfPresent(runsWhen, forKey: .runsWhen)
            try c.encodeIfPresent(input, forKey: .input)
            try c.encodeIfPresent(needs, forKey: .needs)
        }
    }

    /// Pretty-printed JSON with keys in a stable order.
    public static func render(_ plan: Plan) -> String {
        encode(Document(steps: entries(plan.steps, withNeeds: true), manifest: plan.manifest, manualAuthManifest: plan.manualAuthManifest,
                        networkPolicy: plan.networkPolicy))
    }

    static func entries(_ steps: [Step], withNeeds: Bool = false) -> [StepEntry] {
        steps.map {
            StepEntry(id: $0.id.rawValue, title: $0.title, why: $0.why, argv: $0.argv, probe: $0.probe?.argv,
                      kind: $0.kind.rawValue, captures: $0.captures, runsWhen: $0.runsWhen, input: $0.input?.rawValue,
                      needs: withNeeds ? $0.needs.map(\.rawValue) : nil)
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
