/// The destroy plan as a person reads it: the deletions in the format of `plan`, then what is kept and why.
public enum DestroyPlanText {
    public static func render(_ destroy: DestroyPlan) -> String {
        let steps = destroy.plan.steps
        let deletions = steps.filter { $0.kind == .delete }.count
        var out = "Destroy plan for project \(destroy.plan.answers.project): \(deletions) deletion\(deletions == 1 ? "" : "s"), "
            + "\(steps.count) step\(steps.count == 1 ? "" : "s")\n" + PlanText.summary(destroy.plan.answers, steps: steps)
        out += "\n" + (steps.isEmpty ? "Nothing to delete: this workspace's run created nothing that is still listed.\n\n" : PlanText.steps(steps))
        if !destroy.kept.isEmpty {
            out += "Kept:\n" + destroy.kept.map { "  - \($0.subject): \($0.why)\n" }.joined()
        }
        return out
    }
}

/// The destroy plan as JSON: `{"steps": [...as in plan --format json], "kept": [{subject, why}], "deletesBucket": bool,
/// "bucketContents": argv or null}` (the listing shown before the bucket is deleted).
public enum DestroyPlanJSON {
    struct Document: Encodable {
        var steps: [PlanJSON.StepEntry]
        var kept: [KeptItem]
        var deletesBucket: Bool
        var bucketContents: [String]?

        enum CodingKeys: String, CodingKey { case steps, kept, deletesBucket, bucketContents }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(steps, forKey: .steps)
            try c.encode(kept, forKey: .kept)
            try c.encode(deletesBucket, forKey: .deletesBucket)
            // null, not a missing key, when the bucket stays.
            try c.encode(bucketContents, forKey: .bucketContents)
        }
    }

    public static func render(_ destroy: DestroyPlan) -> String {
        PlanJSON.encode(Document(steps: PlanJSON.entries(destroy.plan.steps), kept: destroy.kept, deletesBucket: destroy.deletesBucket,
                                 bucketContents: destroy.deletesBucket ? destroy.bucketContents : nil))
    }
}
