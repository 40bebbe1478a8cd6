import Cells
import Diagnosis
import Foundation
import RunModel
import SetupPlan

/// Everything that can happen to the wizard: keys, terminal changes, clock ticks and results of effects.
public enum WizardAction: Equatable, Sendable {
    /// The runtime is up: send once before the first frame (starts the environment detection). Without a
    /// UTF-8 terminal the wizard draws with ASCII glyphs.
    case start(terminalUTF8: Bool)
    case key(Key)
    case resize(Size)
    /// A SIGINT or SIGTERM from outside; `exitStatus` is what the wizard exits with (130, 143). A run is
    /// stopped first, like `apply` does.
    case signal(exitStatus: Int32)
    /// The clock moved on (spinner, elapsed times); the runtime sends it a few times a second.
    case tick(Date)
    /// What the `.detectEnvironment` effect found.
    case environmentDetected(Detection)
    /// An event from the run engine.
    case runEvent(RunEvent)
    /// Output lines from the run engine: one read of a step's pipe.
    case runOutput(OutputLines)
    /// The engine refused to run or broke off (journal for other answers, workspace not writable).
    case runFailedToStart(String)
    /// The result of `.loadLog`: the log's lines, or why it could not be read.
    case logLoaded(stepID: StepID, result: LogLoadResult)
    /// The result of `.writeFiles`: nil when written, else the error.
    case filesWritten(error: String?)
    /// One link decided by the `.startDoctor` effect (in chain order).
    case doctorChecked(Check)
    /// doctor is done: every check, as decided at the end.
    case doctorFinished([Check])
    /// One check decided by the `.startPreflight` effect for `answers` (in order).
    case preflightChecked(Answers, Check)
    /// Preflight for `answers` is done: every check; `waitsForAPIs` when a read waits for an API the run enables.
    case preflightFinished(Answers, [Check], waitsForAPIs: Bool)
    /// Preflight is not run for `answers` (`--skip-preflight`).
    case preflightSkipped(Answers)
    /// The result of `.readBucketUsage`: what the bucket holds, e.g. "2 objects, 36 bytes (36B)".
    case bucketUsageRead(String)
}

/// A log file's lines, or why it could not be read.
public enum LogLoadResult: Equatable, Sendable {
    case lines([String])
    case failed(String)
}
