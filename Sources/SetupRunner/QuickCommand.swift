import Foundation

/// Runs one short read-only command outside a plan (what the wizard detects before asking anything) the way the
/// engine runs steps: argv only, its own process group, stdin /dev/null, stopped at its time limit.
public enum QuickCommand {
    /// How the command ended.
    public enum Outcome: Equatable, Sendable {
        /// It ran; `firstLine` is its first stdout line, trimmed (at most 200 characters).
        case exited(status: Int32, firstLine: String)
        /// It could not be started (not on PATH, say).
        case failedToStart
    }

    /// Runs `argv` with `environment` overriding the inherited variables; stderr is read and dropped.
    public static func run(_ argv: [String], environment: [String: String] = [:], timeoutSeconds: Double) async -> Outcome {
        let runner = CommandRunner(workingDirectory: FileManager.default.currentDirectoryPath, environment: environment,
                                   gracePeriod: 1, maxLineBytes: 4096, stderrTailLines: 1, stdoutCaptureBytes: 4096)
        let log: LogWriter
        do {
            log = try LogWriter(path: "/dev/null")
        } catch {
            return .failedToStart
        }
        let result = await runner.run(argv: argv, timeout: timeoutSeconds, stop: StopSwitch(), log: log, output: nil)
        guard let status = result.exitCode else { return .failedToStart }
        let first = result.stdout.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return .exited(status: status, firstLine: String(first.prefix(200)))
    }
}
