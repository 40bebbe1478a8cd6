import Foundation
import RunModel

/// The text shown under a failed step: its last stderr lines, the hint, the log path and how to resume.
public enum FailureReport {
    /// The report for `outcome` (a failed step) of a run in `workspace`; `resumeCommand` is printed verbatim.
    public static func text(outcome: StepOutcome, title: String, total: Int, workspace: URL, resumeCommand: String) -> String {
        var lines: [String] = []
        let exit = outcome.endingText.map { " (\($0))" } ?? ""
        lines.append("Step \(outcome.index + 1)/\(total) failed: \(title)\(exit)")
        let tail = outcome.stderrTail.suffix(20)
        if !tail.isEmpty {
            lines.append("Last \(tail.count) line\(tail.count == 1 ? "" : "s") of its error output:")
            lines += tail.map { "  | " + $0 }
        }
        if let hint = outcome.hint {
            lines.append("Hint: " + hint.summary)
            lines.append("      " + hint.fix)
        }
        lines.append("Full log: " + workspace.appendingPathComponent(outcome.logPath).path)
        lines.append("When fixed, continue with: " + resumeCommand)
        return lines.joined(separator: "\n")
    }
}
