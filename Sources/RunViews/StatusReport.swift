import Foundation
import RunModel

/// What `status` prints: the journal's steps and their states.
public enum StatusReport {
    /// One line per step, then the run result; `workspace` is shown in the header.
    public static func lines(journal: Journal, workspace: URL) -> [String] {
        var lines = ["Workspace \(workspace.path) (updated \(journal.updatedAt))"]
        for (index, step) in journal.steps.enumerated() {
            var detail = step.seconds.map { DurationText.format($0) } ?? ""
            if step.status == .failed, let ending = StepOutcome.endingText(exitCode: step.exitCode, timedOut: false, expected: nil) {
                detail += " (\(ending))"
            }
            if step.status == .running { detail = "(the run stopped during this step)" }
            lines.append(StepLine.text(index: index, total: journal.steps.count, title: step.title,
                                       status: StepLine.word(step.status), detail: detail))
            if step.status == .failed, let hint = step.hint {
                lines.append("        " + hint.summary)
                lines.append("        " + hint.fix)
            }
        }
        for (name, value) in journal.captures.sorted(by: { $0.key < $1.key }) { lines.append("\(name) = \(value)") }
        let done = journal.steps.filter { $0.status.isComplete }.count
        let result = journal.result.map { $0.rawValue } ?? "in progress or stopped abruptly"
        lines.append("\(done)/\(journal.steps.count) steps complete; last run: \(result)")
        return lines
    }
}
