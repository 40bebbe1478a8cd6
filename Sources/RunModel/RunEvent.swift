import Foundation
import SetupPlan

/// Where a step stands. Raw values are what state.json stores.
public enum StepStatus: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    case pending
    case running
    case done
    case alreadyDone = "already-done"
    case failed
    case skipped
    case interrupted

    /// Done or already done: later runs leave it alone.
    public var isComplete: Bool { self == .done || self == .alreadyDone }

    /// Whether the step may have left something in the cloud: it finished, or was cut off with no outcome. A failed
    /// step reported its own: gcloud's failed creates leave nothing but a cluster in ERROR, which preflight reports.
    public var mayHaveCreated: Bool { isComplete || self == .running || self == .interrupted }
}

/// Which pipe an output line came from.
public enum OutputPipe: String, Equatable, Hashable, Sendable, Codable {
    case stdout, stderr
}

/// A one- or two-line explanation of a recognised failure, with the fix.
public struct Hint: Equatable, Hashable, Sendable, Codable {
    public var summary: String
    public var fix: String

    public init(summary: String, fix: String) {
        self.summary = summary
        self.fix = fix
    }
}

/// How one step ended.
public struct StepOutcome: Equatable, Sendable {
    public var index: Int
    public var stepID: StepID
    public var status: StepStatus
    /// nil when the command did not exit by itself (it timed out, was stopped or did not start).
    public var exitCode: Int32?
    /// The step ran out of time: the engine's limit, or the command's own (kubectl wait's `--timeout`).
    public var timedOut: Bool
    /// What the output had to show when the command exited 0 but its output failed the step's check (`"RUNNING"`).
    public var expected: String?
    public var hint: Hint?
    public var seconds: Double
    /// Relative to the workspace, e.g. `logs/05-create-iam-sa.log`.
    public var logPath: String
    /// The last stderr lines (at most 20), for the failure report.
    public var stderrTail: [String]
    /// Trimmed stdout of the step (bounded); the verify step's text read back from the bucket.
    public var result: String?

    public init(index: Int, stepID: StepID, status: StepStatus, exitCode: Int32? = nil, timedOut: Bool = false, expected: String? = nil,
                hint: Hint? = nil, seconds: Double, logPath: String, stderrTail: [String] = [], result: String? = nil) {
        self.index = index
        self.stepID = stepID
        self.status = status
        self.exitCode = timedOut ? nil : exitCode
        self.timedOut = timedOut
        self.expected = expected
        self.hint = hint
        self.seconds = seconds
        self.logPath = logPath
        self.stderrTail = stderrTail
        self.result = result
    }

    /// How the command ended, as the views say it (see `endingText(exitCode:timedOut:expected:)`).
    public var endingText: String? { Self.endingText(exitCode: exitCode, timedOut: timedOut, expected: expected) }

    /// How a failed step's command ended: "timed out", "exit 1", or for a command that exited 0, that its output did
    /// not match (with `expected`, what it had to show); nil when it neither exited nor timed out.
    public static func endingText(exitCode: Int32?, timedOut: Bool, expected: String?) -> String? {
        if timedOut { return "timed out" }
        guard let exitCode else { return nil }
        guard exitCode == 0 else { return "exit \(exitCode)" }
        return "output did not match" + (expected.map { ": expected \($0)" } ?? "")
    }
}

/// How a whole run ended.
public enum RunResult: String, Equatable, Sendable, Codable {
    case succeeded, failed, interrupted
}

/// What the engine reports; it never prints. The journal, the run views and the TUI observe these.
public enum RunEvent: Equatable, Sendable {
    /// `steps` is the plan's step count; `statuses` what the journal already knew (resume).
    case runStarted(steps: Int, statuses: [StepStatus])
    case stepStarted(index: Int, stepID: StepID)
    /// A probe or a retry is under way (shown as the step's sub-status).
    case stepNote(index: Int, stepID: StepID, note: String)
    /// A try failed in a way that may settle by itself: the step waits, then tries again.
    case stepWaiting(index: Int, stepID: StepID, wait: StepWait)
    case output(index: Int, stepID: StepID, stream: OutputPipe, line: String)
    case stepFinished(StepOutcome)
    /// Preflight decided at the gate before the first step that creates anything; a verdict that did not pass ends
    /// the run (`runFinished(.failed)` follows).
    case gateFinished(GateVerdict)
    case runFinished(result: RunResult, seconds: Double)
}
