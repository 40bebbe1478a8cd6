import Foundation
import RunModel

/// Runs one long-lived command (`kubectl logs --follow`) the way the engine runs steps, handing each stdout line over
/// as it comes, until the command ends or `stop()` ends it (its process group: SIGTERM, then SIGKILL).
public final class LineFollower: Sendable {
    private let stopSwitch = StopSwitch()

    public init() {}

    /// Ends the command; `run` then returns.
    public func stop() { stopSwitch.stop() }

    /// Runs `argv`, calling `line` with each stdout line in order, for at most `timeoutSeconds` (a week: a job's log
    /// is followed as long as the job runs); returns the exit status and stderr's last lines.
    public func run(_ argv: [String], timeoutSeconds: Double = 7 * 24 * 3600,
                    line: @escaping @Sendable (String) async -> Void) async -> QuickCommand.Output {
        let runner = CommandRunner(workingDirectory: FileManager.default.currentDirectoryPath, environment: [:],
                                   gracePeriod: 1, maxLineBytes: 64 * 1024, stderrTailLines: 50, stdoutCaptureBytes: 0)
        let log: LogWriter
        do {
            log = try LogWriter(path: "/dev/null")
        } catch {
            return QuickCommand.Output(exitCode: nil, stdout: "", stderr: "cannot open /dev/null: \(error)")
        }
        let sink = OutputSink(source: .noStep) { lines in
            guard lines.stream == .stdout else { return }
            for text in lines { await line(text) }
        }
        let result = await runner.run(argv: argv, timeout: timeoutSeconds, stop: stopSwitch, log: log, output: sink)
        var stderr = result.stderrTail
        if case .launchFailed(let why) = result.ending { stderr.append(why) }
        return QuickCommand.Output(exitCode: result.exitCode, stdout: "", stderr: stderr.joined(separator: "\n"))
    }
}
