/// The plan as a person reads it: numbered steps with the exact command lines, then the manifest.
public enum PlanText {
    /// Numbered steps (title, why, command, how "already done" is detected), then raycluster.yaml.
    public static func render(_ plan: Plan) -> String {
        let a = plan.answers
        var out = "Plan for project \(a.project): \(plan.steps.count) steps\n"
        let kind = a.cluster.mode == .existing && a.cluster.autopilot ? " Autopilot" : ""
        out += "  cluster \(a.cluster.name) (\(a.cluster.mode.rawValue)\(kind), \(a.clusterLocation)), operator \(a.operator.rawValue), "
        out += "identity \(a.identity.mode.rawValue), bucket gs://\(a.bucket.name)\n"
        if plan.steps.contains(where: { !$0.placeholders.isEmpty }) {
            out += "  ${PROJECT_NUMBER} is read from the project at run time.\n"
        }
        out += "\n"
        let width = String(plan.steps.count).count
        for (i, step) in plan.steps.enumerated() {
            let number = String(repeating: " ", count: width - String(i + 1).count) + "\(i + 1)"
            out += "\(number). \(step.title)\n"
            let indent = String(repeating: " ", count: width + 2)
            out += "\(indent)why: \(step.why)\n"
            out += "\(indent)$ \(ShellQuote.join(step.argv))\n"
            if let probe = step.probe {
                out += "\(indent)skipped when: \(ShellQuote.join(probe.argv))\(describe(probe.expect))\n"
            }
            if !step.captures.isEmpty {
                out += "\(indent)its output becomes: \(step.captures.map { "${\($0)}" }.joined(separator: ", "))\n"
            }
            out += "\n"
        }
        out += "--- raycluster.yaml ---\n" + plan.manifest
        return out
    }

    /// How a probe's output is judged, as words.
    static func describe(_ check: OutputCheck) -> String {
        switch check {
        case .exitZero: return " succeeds"
        case .nonEmpty: return " prints something"
        case .equals(let value): return " prints \(value)"
        case .containsAll(let values): return " lists \(values.joined(separator: ", "))"
        case .hasLine(let fields): return " has the line \(fields.joined(separator: " "))"
        }
    }
}
