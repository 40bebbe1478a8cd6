import Foundation
import RunModel
import SetupPlan
import Synchronization

/// Keeps `session`'s `kubectl port-forward` of the Ray head up until it is stopped: picks free local ports, starts
/// kubectl (argv, its own process group), and when the forward drops (kubectl exits, or the dashboard stops answering
/// through it) starts it again after a short pause that grows while it keeps failing. Reports through `ForwardEvent`s;
/// never prints. kubectl's own lines go to the log file.
public final class PortForwardRunner: Sendable {
    public struct Options: Sendable {
        /// The first local port tried for each of `PortForward.ports`, in that order.
        public var firstLocal: [Int]
        /// Seconds between checks that the dashboard answers through the forward.
        public var checkInterval = Options.defaultCheckInterval
        /// The longest wait for that answer.
        public var checkTimeout: Double = 5
        /// Checks in a row that must go unanswered before the forward counts as dropped: one slow answer on a busy
        /// machine or link is not a dead tunnel.
        public var missesAllowed = 2
        /// The pause before starting again after a drop; doubled while starts keep failing, up to `maxBackoff`.
        public var backoff: Double = 0.5
        public var maxBackoff: Double = 5
        /// Variables set for kubectl over the inherited ones.
        public var environment: [String: String] = [:]

        /// The checks' interval unless told otherwise (`session --check-every`).
        public static let defaultCheckInterval = 10.0

        public init(firstLocal: [Int]) {
            self.firstLocal = firstLocal
        }
    }

    private let forward: PortForward
    private let options: Options
    private let logPath: String
    private let stopSwitch = StopSwitch()

    /// A runner for `forward`; kubectl's output is appended to the file at `logPath`.
    public init(forward: PortForward, options: Options, logPath: String) {
        self.forward = forward
        self.options = options
        self.logPath = logPath
    }

    /// Stops the forward (kubectl's group gets SIGTERM, then SIGKILL); `run` then returns `.stopped`. Any thread.
    public func cancel() { stopSwitch.stop() }

    /// Runs until `cancel()`, or until the first forward fails before it ever listened, or no local port is free.
    public func run(observer: @escaping @Sendable (ForwardEvent) -> Void) async -> ForwardEnd {
        var local = options.firstLocal
        var backoff = options.backoff
        var everUp = false
        // Ports kubectl could not listen on although they looked free: not tried again.
        var refused: Set<Int> = []
        while !stopSwitch.isStopped {
            var chosen: [Int] = []
            for (index, port) in forward.ports.enumerated() {
                let first = options.firstLocal[index], last = first + PortForward.portsTried - 1
                let usable = { (candidate: Int) in !refused.contains(candidate) && !chosen.contains(candidate) && LocalPort.isFree(candidate) }
                // The port in use before a drop first (the person's browser has it), then the range from its start.
                guard let free = ([local[index]] + Array(first...last)).first(where: usable) else {
                    return .noFreePort(name: port.name, first: first, last: last)
                }
                if free != local[index] { observer(.portTaken(name: port.name, wanted: local[index], using: free)) }
                chosen.append(free)
            }
            local = chosen
            let attempt = await runOnce(local: local, again: everUp, observer: observer)
            if stopSwitch.isStopped { return .stopped }
            if let busy = attempt.busyPort {
                refused.insert(busy)
                continue
            }
            if attempt.listened {
                everUp = true
                backoff = options.backoff
            } else if !everUp {
                return .failed(reason: attempt.reason, exitCode: attempt.exitCode)
            }
            observer(.dropped(reason: attempt.reason, retryIn: backoff))
            guard await stopSwitch.sleep(seconds: backoff) else { return .stopped }
            if !attempt.listened { backoff = min(backoff * 2, options.maxBackoff) }
        }
        return .stopped
    }

    /// How one kubectl run went.
    private struct Attempt: Sendable {
        var listened = false
        /// A local port kubectl could not listen on.
        var busyPort: Int?
        var reason = ""
        var exitCode: Int32?
    }

    /// Starts kubectl on `local` and returns when it has ended (on its own, or stopped by a failed check or `cancel()`).
    private func runOnce(local: [Int], again: Bool, observer: @escaping @Sendable (ForwardEvent) -> Void) async -> Attempt {
        let stop = StopSwitch()
        let state = AttemptBox(AttemptState(waiting: Set(local)))
        let runner = CommandRunner(workingDirectory: FileManager.default.currentDirectoryPath, environment: options.environment, gracePeriod: 2,
                                   maxLineBytes: 64 * 1024, stderrTailLines: 20, stdoutCaptureBytes: 0)
        let sink = OutputSink(source: .noStep) { lines in
            for line in lines {
                let event = state.withLock { $0.take(line, stream: lines.stream, local: local) }
                switch event {
                case .ready: observer(.forwarding(local: local, again: again))
                case .busy: stop.stop()
                case nil: break
                }
            }
        }
        let log: LogWriter
        do {
            log = try LogWriter(path: logPath)
        } catch {
            return Attempt(reason: "cannot write \(logPath): \(error)")
        }
        log.write("$ " + ShellQuote.join(forward.argv(local: local)))
        let result = await withTaskGroup(of: CommandResult?.self) { group in
            group.addTask { [stopSwitch] in
                await stopSwitch.wait()
                stop.stop()
                return nil
            }
            group.addTask { [options] in
                // Only a forward that listens is checked; the first check after a full interval.
                var misses = 0
                while await stop.sleep(seconds: options.checkInterval) {
                    guard state.withLock({ $0.listening }) else { continue }
                    if await LocalPort.answersHTTP(local[0], timeout: options.checkTimeout) {
                        misses = 0
                        continue
                    }
                    misses += 1
                    guard misses >= options.missesAllowed else { continue }
                    state.withLock { $0.silent = (checks: misses, seconds: options.checkTimeout) }
                    stop.stop()
                }
                return nil
            }
            // Effectively no time limit: the forward runs until it drops or is stopped.
            let result = await runner.run(argv: forward.argv(local: local), timeout: 10 * 365 * 24 * 3600, stop: stop, log: log, output: sink)
            group.cancelAll()
            stop.stop()
            return result
        }
        return state.withLock { state in
            var attempt = Attempt(listened: state.listening, busyPort: state.busyPort, exitCode: result.exitCode)
            if let silent = state.silent {
                attempt.reason = "the dashboard did not answer through the forward in \(silent.checks) checks in a row "
                    + "(\(DurationText.format(silent.seconds)) each)"
            } else if case .launchFailed(let why) = result.ending {
                attempt.reason = why
            } else {
                let exit = result.exitCode.map { "kubectl exited with status \($0)" } ?? "kubectl ended"
                attempt.reason = state.lastError.map { "\($0) (\(exit))" } ?? exit
            }
            return attempt
        }
    }
}

/// One run's `AttemptState`, shared by the output sink, the check and the caller.
private final class AttemptBox: Sendable {
    private let state: Mutex<AttemptState>

    init(_ state: AttemptState) { self.state = Mutex(state) }

    func withLock<R: Sendable>(_ body: (inout AttemptState) -> R) -> R { state.withLock { body(&$0) } }
}

/// What kubectl's lines said so far in one run.
private struct AttemptState {
    enum Event { case ready, busy }

    /// Local ports kubectl has not said it listens on yet.
    var waiting: Set<Int>
    var listening = false
    var busyPort: Int?
    /// kubectl's last error line.
    var lastError: String?
    /// Set when checks found the forward silent: how many in a row, and the seconds each waited.
    var silent: (checks: Int, seconds: Double)?

    /// Reads one line of kubectl's: `Forwarding from 127.0.0.1:8265 -> 8265`, `Unable to listen on port 8265: ...`,
    /// or an error. Returns `.ready` when the last port listens, `.busy` when one cannot.
    mutating func take(_ line: String, stream: OutputPipe, local: [Int]) -> Event? {
        if line.hasPrefix("Forwarding from \(PortForward.address):"),
           let port = Int(line.dropFirst("Forwarding from \(PortForward.address):".count).prefix { $0.isNumber }) {
            waiting.remove(port)
            if waiting.isEmpty && !listening {
                listening = true
                return .ready
            }
            return nil
        }
        if line.hasPrefix("Unable to listen on port "),
           let port = Int(line.dropFirst("Unable to listen on port ".count).prefix { $0.isNumber }), local.contains(port) {
            busyPort = port
            return .busy
        }
        if stream == .stderr && !line.hasPrefix("Handling connection") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            lastError = Self.shortened(line)
        }
        return nil
    }

    /// klog's `E1207 16:04:42.617667 8814 portforward.go:413] "Unhandled Error" err="..."` as its message alone.
    static func shortened(_ line: String) -> String {
        guard let range = line.range(of: "err=\"") else { return line }
        var message = String(line[range.upperBound...])
        if message.hasSuffix("\"") { message.removeLast() }
        return message.replacingOccurrences(of: "\\\"", with: "\"")
    }
}
