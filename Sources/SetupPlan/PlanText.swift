/// The plan as a person reads it: numbered steps with the exact command lines, then the manifest.
public enum PlanText {
    /// The line between the steps and the manifest.
    public static let manifestHeading = "--- \(WorkspaceFiles.manifest) ---"

    /// Numbered steps (title, why, command, how "already done" is detected), then raycluster.yaml. With `needs`, each
    /// step also names the steps it waits for (`after: create-cluster`).
    public static func render(_ plan: Plan, needs: Bool = false) -> String {
        let a = plan.answers
        var out = "Plan for project \(a.project): \(plan.steps.count) steps\n" + summary(a, steps: plan.steps)
        out += "\n" + steps(plan.steps, needs: needs)
        out += manifestHeading + "\n" + plan.manifest
        if let manual = plan.manualAuthManifest {
            out += "--- \(WorkspaceFiles.manualAuthManifest) (applied instead when the operator has no authOptions) ---\n" + manual
        }
        if let policy = plan.networkPolicy {
            out += "--- \(WorkspaceFiles.networkPolicy) ---\n" + policy
        }
        return out
    }

    /// The answers in two lines (cluster, operator, identity, bucket), and a note when values are read at run time.
    public static func summary(_ a: Answers, steps: [Step]) -> String {
        let kind = a.cluster.mode == .existing && a.cluster.autopilot ? " Autopilot" : ""
        var out = "  cluster \(a.cluster.name) (\(a.cluster.mode.rawValue)\(kind), \(a.clusterLocation)), operator \(a.operator.rawValue), "
        out += "identity \(a.identity.mode.rawValue), bucket gs://\(a.bucket.name)\n"
        let placeholders = Set(steps.flatMap(\.placeholders))
        if placeholders.contains(Placeholder.projectNumber) {
            out += "  ${\(Placeholder.projectNumber)} is read from the project at run time.\n"
        }
        if placeholders.contains(Placeholder.rayClusterManifest) {
            out += "  ${\(Placeholder.rayClusterManifest)} is read from the operator's CRD at run time.\n"
        }
        return out
    }

    /// The numbered steps, each with its why, command, probe and captures (with `needs`, the steps it waits for), and
    /// a blank line after each.
    public static func steps(_ steps: [Step], needs: Bool = false) -> String {
        var out = ""
        let width = String(steps.count).count
        for (i, step) in steps.enumerated() {
            let number = String(repeating: " ", count: width - String(i + 1).count) + "\(i + 1)"
            out += "\(number). \(step.title)\n"
            let indent = String(repeating: " ", count: width + 2)
            out += "\(indent)why: \(step.why)\n"
            if needs {
                out += "\(indent)after: \(step.needs.isEmpty ? "nothing (starts at once)" : step.needs.map(\.rawValue).joined(separator: ", "))\n"
            }
            out += "\(indent)$ \(ShellQuote.join(step.argv))\n"
            if let probe = step.probe {
                out += "\(indent)skipped when: \(ShellQuote.join(probe.argv))\(describe(probe.expect))\n"
            }
            if let condition = step.runsWhen {
                out += "\(indent)only when: ${\(condition.placeholder)} is \(condition.equals)\n"
            }
            if step.input == .randomToken {
                out += "\(indent)its standard input: a random token made at run time (never shown or saved)\n"
            }
            if !step.captures.isEmpty {
                out += "\(indent)its output becomes: \(step.captures.map { "${\($0)}" }.joined(separator: ", "))\n"
            }
            if let retry = step.retry, let what = retry.waitingFor {
                let limit = retry.deadlineSeconds.map { ", up to \(RetryPolicy.limitText($0))" } ?? ""
                let on = retry.on.isEmpty ? "" : " (tried again on: \(retry.on.map(\.rawValue).joined(separator: ", ")))"
                out += "\(indent)waits for \(what)\(limit)\(on)\n"
            }
            out += "\n"
        }
        return out
    }

    /// How a probe's output is judged, as words.
    static func describe(_ check: OutputCheck) -> String {
        switch check {
        case .exitZero: return " succeeds"
        case .nonEmpty: return " prints something"
        case .equals(let value): return " prints \(value)"
        case .containsAll(let values): return " lists \(values.joined(separator: ", "))"
        case .containsAny(let values): return " lists \(values.joined(separator: " or "))"
        case .hasLine(let fields): return " has the line \(fields.joined(separator: " "))"
        case .not(.nonEmpty): return " prints nothing"
        case .not(let check): return " succeeds but not\(describe(check))"
        }
    }
}
