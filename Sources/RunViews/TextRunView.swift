import Foundation
import SetupPlan
import RunModel
import Synchronization

/// The run as text for terminals and logs: a line when a step starts and one when it ends (several steps run at once,
/// so each line names its step), a failure report on failure, and the closing lines (what the verify step read
/// back, the next steps) on success. It owns all of the run's output: the command that starts it prints nothing of
/// the run itself.
public struct TextRunView: RunObserver {
    private let titles: [String]
    private let workspace: URL
    private let verifyIndex: Int?
    private let closingLines: [String]
    private let color: Bool
    private let resumeCommand: String
    private let showOutput: Bool
    private let write: @Sendable (String) -> Void
    /// What the view remembers between events; shared by copies of the view.
    private let memory = Memory()

    /// Shows `plan` run in `workspace`; `showOutput` echoes every output line; `write` receives whole lines.
    /// `closingLines` (the next steps) close a successful run. With `color`, status words are coloured (a terminal
    /// that wants colour: not with `NO_COLOR` or `--no-color`).
    public init(plan: Plan, workspace: URL, showOutput: Bool = false, closingLines: [String] = [], color: Bool = false,
                write: @escaping @Sendable (String) -> Void = Console.out) {
        titles = plan.steps.map(\.title)
        self.workspace = workspace
        verifyIndex = plan.bucketCheckIndex
        self.closingLines = closingLines
        self.color = color
        resumeCommand = WorkspaceFiles.resumeCommand(workspace: workspace.path)
        self.showOutput = showOutput
        self.write = write
    }

    public func handle(_ event: RunEvent) async {
        switch event {
        case .runStarted(_, let statuses):
            for (index, status) in statuses.enumerated() where status.isComplete || status == .skipped {
                write(line(index, word(status), "(earlier run)"))
            }
        case .stepStarted(let index, _):
            write(line(index, "started", ""))
        case .stepNote(let index, _, let note):
            if note != RunNote.probing { write(String(repeating: " ", count: 8) + "step \(index + 1): " + note) }
        case .stepWaiting(let index, _, let wait):
            write(String(repeating: " ", count: 8) + "step \(index + 1): " + wait.text(elapsed: wait.elapsedSeconds)
                + "; trying again in \(DurationText.format(wait.retryInSeconds)) (try \(wait.attempt): \(wait.reason))")
        case .output(_, _, let stream, let text):
            if showOutput { write(Self.outputLine(stream, text)) }
        case .stepFinished(let outcome):
            if outcome.index == verifyIndex, outcome.status == .done {
                memory.state.withLock { $0.verified = outcome.result }
            }
            var detail = DurationText.format(outcome.seconds)
            if outcome.status == .failed, let ending = outcome.endingText { detail += " (\(ending))" }
            if outcome.status == .skipped { detail = "" }
            write(line(outcome.index, word(outcome.status), detail))
            if outcome.status == .failed {
                write(FailureReport.text(outcome: outcome, title: title(outcome.index), total: titles.count,
                                         workspace: workspace, resumeCommand: resumeCommand))
            }
        case .gateFinished(let verdict):
            for line in PreflightView.closingLines(verdict, waitsForAPIs: false) { write(line) }
        case .runFinished(let result, let seconds):
            switch result {
            case .succeeded:
                write("All \(titles.count) steps complete in \(DurationText.format(seconds)).")
                if let text = memory.state.withLock({ $0.verified }) {
                    write("\(PlanBuilder.checkVerdictLead): \(PlanBuilder.checkSummary(text))")
                }
                for line in closingLines { write(line) }
            case .failed: break
            case .interrupted: write("Interrupted. Continue with: " + resumeCommand)
            }
        }
    }

    public func handle(output lines: OutputLines) async {
        guard showOutput else { return }
        for line in lines { write(Self.outputLine(lines.stream, line)) }
    }

    /// An echoed output line, marked by its stream.
    private static func outputLine(_ stream: OutputPipe, _ text: String) -> String {
        (stream == .stderr ? "  ! " : "  | ") + text
    }

    /// A status as its word, in its colour when the view has colour: green done, bold red failed, yellow skipped
    /// or interrupted.
    private func word(_ status: StepStatus) -> String {
        let text = StepLine.word(status)
        guard color else { return text }
        let sgr: String
        switch status {
        case .done, .alreadyDone: sgr = "32"
        case .failed: sgr = "1;31"
        case .skipped, .interrupted: sgr = "33"
        case .pending, .running: return text
        }
        return "\u{1B}[\(sgr)m\(text)\u{1B}[0m"
    }

    private func title(_ index: Int) -> String { index < titles.count ? titles[index] : "step \(index + 1)" }

    private func line(_ index: Int, _ status: String, _ detail: String) -> String {
        StepLine.text(index: index, total: titles.count, title: title(index), status: status, detail: detail)
    }
}

/// Shared between copies of a view: what the verify step read.
private final class Memory: Sendable {
    struct State {
        var verified: String?
    }

    let state = Mutex(State())
}
