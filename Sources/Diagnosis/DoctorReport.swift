import Foundation
import SetupPlan

/// doctor's output for people (one line a link, its evidence and fix indented) and for programs (JSON).
public enum DoctorReport {
    /// The lines of one check: mark and title, then its details.
    public static func lines(_ check: Check) -> [String] {
        ["\(check.status.mark) \(check.title)"] + details(check)
    }

    /// What follows a check's title, indented: evidence, cause, advice and the fix commands (shell-quoted for copying).
    public static func details(_ check: Check) -> [String] {
        var lines = check.evidence.map { "    \($0)" }
        if let cause = check.cause { lines.append("    explained by: \(cause)") }
        if let advice = check.advice { lines.append("    \(advice)") }
        for (index, argv) in check.fix.enumerated() {
            lines.append("    \(index == 0 ? "fix:" : "then:") \(ShellQuote.join(argv))")
        }
        return lines
    }

    /// The closing line: healthy, or the first broken link.
    public static func summary(_ checks: [Check]) -> String {
        let broken = checks.filter { $0.status == .broken }
        guard let first = broken.first else {
            return "Healthy: all \(checks.filter { $0.status == .ok }.count) links checked hold."
        }
        return "Broken: \(first.title)" + (broken.count > 1 ? " (and \(broken.count - 1) more below it)" : "")
    }

    struct Document: Encodable {
        var healthy: Bool
        var checks: [Check]
    }

    /// `{"healthy": bool, "checks": [{id, title, status, evidence, fix, advice?, cause?}]}`, keys sorted.
    public static func json(_ checks: [Check]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Document(healthy: Doctor.healthy(checks), checks: checks)),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}
