import Foundation

/// Runs one read-only command to its end and hands back its exit status and output, with the engine's own process
/// code (argv, never a shell; its own process group; stopped at a timeout), but no journal and no step log.
public struct CommandReader: Sendable {
    /// Variables set or replaced in the inherited environment.
    public var environment: [String: String]
    public var workingDirectory: String
    /// stdout kept (a pod list or a policy is a few hundred KiB at most).
    public var stdoutCaptureBytes = 4 * 1024 * 1024

    public init(environment: [String: String] = [:], workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// How a read ended.
    public struct Output: Sendable, Equatable {
        /// nil when it could not start or was stopped at its timeout.
        public var exitCode: Int32?
        public var stdout: String
        /// The last 200 lines of stderr (or why it could not start).
        public var stderr: String
    }

    /// Runs `argv` and waits for it, at most `timeoutSeconds`.
    public func read(_ argv: [String], timeoutSeconds: Double) async -> Output {
        let options = RunOptions()
        let runner = CommandRunner(workingDirectory: workingDirectory, environment: environment, gracePeriod: options.gracePeriodSeconds,
                                   maxLineBytes: options.maxLineBytes, stderrTailLines: options.stderrTailLines,
                                   stdoutCaptureBytes: stdoutCaptureBytes)
        guard let log = try? LogWriter(path: "/dev/null") else {
            return Output(exitCode: nil, stdout: "", stderr: "cannot open /dev/null")
        }
        let result = await runner.run(argv: argv, timeout: timeoutSeconds, stop: StopSwitch(), log: log, output: nil)
        switch result.ending {
        case .exited(let code) where result.stopReason == nil:
            return Output(exitCode: code, stdout: result.stdout, stderr: result.stderrTail.joined(separator: "\n"))
        case .launchFailed(let why):
            return Output(exitCode: nil, stdout: "", stderr: why)
        default:
            let why = result.stopReason == .timeout ? "stopped after \(Int(timeoutSeconds)) s" : "ended by a signal"
            return Output(exitCode: nil, stdout: result.stdout, stderr: (result.stderrTail + [why]).joined(separator: "\n"))
        }
    }
}
