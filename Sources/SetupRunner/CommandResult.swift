/// How one process (a step's command or its probe) ended, with the bounded parts of its output.
struct CommandResult: Sendable {
    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// It could not be started (e.g. not on PATH); the text says why.
        case launchFailed(String)
    }

    /// Why the engine stopped it, if it did.
    enum StopReason: Sendable, Equatable {
        case timeout, cancelled
    }

    var ending: Ending
    var stopReason: StopReason?
    /// The first `RunOptions.stdoutCaptureBytes` of stdout (captures, output checks, results).
    var stdout: String
    var stdoutTruncated: Bool
    /// The last `RunOptions.stderrTailLines` stderr lines (failure classification and report).
    var stderrTail: [String]
    var seconds: Double

    /// The exit code, or 128 + signal the way shells report a signal death.
    var exitCode: Int32? {
        switch ending {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        case .launchFailed: return nil
        }
    }

    var succeeded: Bool { ending == .exited(0) && stopReason == nil }
}
