import Foundation

/// Runs one short read-only command outside a plan (what the wizard detects before asking anything, doctor's reads)
/// the way the engine runs steps: argv only, its own process group, stdin /dev/null, stopped at its time limit.
public enum QuickCommand {
    /// How the command ended.
    public enum Outcome: Equatable, Sendable {
        /// It ran; `firstLine` is its first stdout line, trimmed (at most 200 characters).
        case exited(status: Int32, firstLine: String)
        /// It could not be started (not on PATH, say).
        case failedToStart
    }

    /// How a read ended, with its output.
    public struct Output: Equatable, Sendable {
        /// The exit status (128 + the signal after a signal, the time limit's included); nil when it could not start.
        public var exitCode: Int32?
        /// Up to the read's stdout limit.
        public var stdout: String
        /// The last 200 lines, or why it could not start, or that it was stopped at its time limit.
        public var stderr: String
        /// Whether it was stopped at its time limit.
        public var timedOut = false
    }

    /// Runs `argv` with `environment` overriding the inherited variables; stderr is read and dropped.
    public static func run(_ argv: [String], environment: [String: String] = [:], timeoutSeconds: Double) async -> Outcome {
        let output = await read(argv, environment: environment, timeoutSeconds: timeoutSeconds, stdoutLimit: 4096)
        guard let status = output.exitCode else { return .failedToStart }
        let first = output.stdout.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return .exited(status: status, firstLine: String(first.prefix(200)))
    }

    /// Runs `argv` to its end and hands back its exit status and output (a pod list or a policy: a few hundred KiB);
    /// cancelling the task stops the command as a time limit does.
    public static func read(_ argv: [String], environment: [String: String] = [:], timeoutSeconds: Double,
                            stdoutLimit: Int = 4 * 1024 * 1024) async -> Output {
        let runner = CommandRunner(workingDirectory: FileManager.default.currentDirectoryPath, environment: environment,
                                   gracePeriod: 1, maxLineBytes: 64 * 1024, stderrTailLines: 200, stdoutCaptureBytes: stdoutLimit)
        let log: LogWriter
        do {
            log = try LogWriter(path: "/dev/null")
        } catch {
            return Output(exitCode: nil, stdout: "", stderr: "cannot open /dev/null: \(error)")
        }
        let stop = StopSwitch()
        let result = await withTaskCancellationHandler {
            await runner.run(argv: argv, timeout: timeoutSeconds, stop: stop, log: log, output: nil)
        } onCancel: {
            stop.stop()
        }
        var stderr = result.stderrTail
        if case .launchFailed(let why) = result.ending { stderr.append(why) }
        if result.stopReason == .timeout { stderr.append("stopped after \(Int(timeoutSeconds)) s") }
        return Output(exitCode: result.exitCode, stdout: result.stdout, stderr: stderr.joined(separator: "\n"),
                      timedOut: result.stopReason == .timeout)
    }
}
