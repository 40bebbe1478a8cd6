import Foundation
import SetupPlan
import Synchronization

/// An observer for plain terminals and logs: one line per status change, and a failure report on failure.
public struct LinePrinter: RunObserver {
    private let titles: [String]
    private let workspace: URL
    private let resumeCommand: String
    private let showOutput: Bool
    private let writeLine: @Sendable (String) -> Void
    /// Writes without a newline: set on a terminal, where a running step shows a line its result later replaces.
    private let writeRaw: (@Sendable (String) -> Void)?
    /// Whether a "running" line is on screen, waiting to be replaced.
    private let liveLine = LiveLine()

    /// Prints for `plan` run in `workspace`; `showOutput` echoes every output line; `write` receives whole lines.
    /// With `writeRaw` (a terminal), the running step shows as a line that its result then overwrites.
    public init(plan: Plan, workspace: URL, resumeCommand: String? = nil, showOutput: Bool = false,
                write: @escaping @Sendable (String) -> Void = LinePrinter.standardOutput,
                writeRaw: (@Sendable (String) -> Void)? = nil) {
        titles = plan.steps.map(\.title)
        self.workspace = workspace
        self.resumeCommand = resumeCommand ?? Workspace.resumeCommand(path: workspace.path)
        self.showOutput = showOutput
        self.writeLine = write
        self.writeRaw = writeRaw
    }

    /// Writes `text` to stdout as it is, unbuffered.
    public static let standardOutputRaw: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func write(_ text: String) {
        if let writeRaw, liveLine.open.withLock({ open in defer { open = false }; return open }) {
            // Carriage return and erase-line: the result replaces the "running" line in place.
            writeRaw("\r\u{1B}[K")
        }
        writeLine(text)
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
        case .stepStarted(let index, _):
            guard let writeRaw else { break }
            liveLine.open.withLock { open in
                if open { writeRaw("\r\u{1B}[K") }
                open = true
            }
            // Kept within 79 columns: a wrapped line could not be replaced by a carriage return.
            writeRaw(String(line(index, "running", "").prefix(79)))
        case .stepNote(let index, _, let note):
            if note != RunNote.probing { write(String(repeating: " ", count: 8) + "step \(index + 1): " + note) }
        case .output(_, _, let stream, let text):
            if showOutput { write(Self.outputLine(stream, text)) }
        case .stepFinished(let outcome):
            var detail = DurationText.format(outcome.seconds)
            if outcome.status == .failed, let code = outcome.exitCode { detail += " (exit \(code))" }
            if outcome.status == .skipped { detail = "" }
            write(line(outcome.index, StepLine.word(outcome.status), detail))
            if outcome.status == .failed {
                write(FailureReport.text(outcome: outcome, title: title(outcome.index), total: titles.count,
                                         workspace: workspace, resumeCommand: resumeCommand))
            }
        case .runFinished(let result, let seconds):
            switch result {
            case .succeeded: write("All \(titles.count) steps complete in \(DurationText.format(seconds)).")
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
    private static func outputLine(_ stream: OutputStream, _ text: String) -> String {
        (stream == .stderr ? "  ! " : "  | ") + text
    }

    private func title(_ index: Int) -> String { index < titles.count ? titles[index] : "step \(index + 1)" }

    private func line(_ index: Int, _ status: String, _ detail: String) -> String {
        StepLine.text(index: index, total: titles.count, title: title(index), status: status, detail: detail)
    }
}

/// Shared between copies of a printer: whether a "running" line waits to be replaced.
private final class LiveLine: Sendable {
    let open = Mutex(false)
}
