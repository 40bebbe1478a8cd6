import Foundation
import SetupPlan

/// An observer for plain terminals and logs: one line per status change, and a failure report on failure.
public struct LinePrinter: RunObserver {
    private let titles: [String]
    private let workspace: URL
    private let resumeCommand: String
    private let showOutput: Bool
    private let write: @Sendable (String) -> Void

    /// Prints for `plan` run in `workspace`; `showOutput` echoes every output line; `write` receives whole lines.
    public init(plan: Plan, workspace: URL, resumeCommand: String? = nil, showOutput: Bool = false,
                write: @escaping @Sendable (String) -> Void = LinePrinter.standardOutput) {
        titles = plan.steps.map(\.title)
        self.workspace = workspace
        self.resumeCommand = resumeCommand ?? FailureReport.resumeCommand(workspace: workspace.path)
        self.showOutput = showOutput
        self.write = write
    }

    /// Writes `line` and a newline to stdout, unbuffered so lines show up as steps finish.
    public static let standardOutput: @Sendable (String) -> Void = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func handle(_ event: RunEvent) async {
        switch event {
        case .runStarted(_, let statuses):
            for (index, status) in statuses.enumerated() where status.isComplete || status == .skipped {
                write(line(index, StepLine.word(status), "(earlier run)"))
            }
        case .stepStarted:
            break
        case .stepNote(let index, _, let note):
            if note != RunNote.probing { write(String(repeating: " ", count: 8) + "step \(index + 1): " + note) }
        case .output(_, _, let stream, let text):
            if showOutput { write((stream == .stderr ? "  ! " : "  | ") + text) }
        case .stepFinished(let outcome):
            var detail = StepLine.duration(outcome.seconds)
            if outcome.status == .failed, let code = outcome.exitCode { detail += " (exit \(code))" }
            if outcome.status == .skipped { detail = "" }
            write(line(outcome.index, StepLine.word(outcome.status), detail))
            if outcome.status == .failed {
                write(FailureReport.text(outcome: outcome, title: title(outcome.index), total: titles.count,
                                         workspace: workspace, resumeCommand: resumeCommand))
            }
        case .runFinished(let result, let seconds):
            switch result {
            case .succeeded: write("All \(titles.count) steps complete in \(StepLine.duration(seconds)).")
            case .failed: break
            case .interrupted: write("Interrupted. Continue with: " + resumeCommand)
            }
        }
    }

    private func title(_ index: Int) -> String { index < titles.count ? titles[index] : "step \(index + 1)" }

    private func line(_ index: Int, _ status: String, _ detail: String) -> String {
        StepLine.text(index: index, total: titles.count, title: title(index), status: status, detail: detail)
    }
}
