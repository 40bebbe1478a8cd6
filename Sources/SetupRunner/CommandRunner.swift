import Foundation
import RunModel
import SetupPlan
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one argv (never through a shell) in its own process group, streaming its output as lines.
///
/// stdin is /dev/null or the given input, the environment is inherited (plus `environment` overrides), the working
/// directory is the workspace. A timeout or `StopSwitch` stops the whole group: SIGTERM, then SIGKILL
/// after `gracePeriod` seconds.
struct CommandRunner: Sendable {
    var workingDirectory: String
    var environment: [String: String]
    var gracePeriod: Double
    var maxLineBytes: Int
    var stderrTailLines: Int
    var stdoutCaptureBytes: Int

    /// Runs `argv`, writing every line to `log` and, with an `output` sink, handing every line over: the lines
    /// split from one read of a pipe together; one read's lines at a time, in order.
    func run(argv: [String], input: String? = nil, timeout: Double, stop: StopSwitch, log: LogWriter, output: OutputSink?) async -> CommandResult {
        let start = ContinuousClock.now
        let collector = OutputCollector(
            log: log, maxLineBytes: maxLineBytes, stderrTailLines: stderrTailLines, stdoutCaptureBytes: stdoutCaptureBytes,
            source: output?.source)
        let stopReason = StopReasonBox()
        func elapsed() -> Double { Self.seconds(ContinuousClock.now - start) }

        guard let program = argv.first, !program.isEmpty else {
            return collector.result(ending: .launchFailed("empty command"), stopReason: nil, seconds: 0)
        }
        if stop.isStopped {
            return collector.result(ending: .launchFailed("stopped before start"), stopReason: .cancelled, seconds: 0)
        }

        var options = PlatformOptions()
        // processGroupID 0: the child leads a new group, so the terminal's Ctrl-C reaches only us and
        // we can stop the step together with everything it started (kubectl, python, ...).
        options.processGroupID = 0
        let grace = Duration.milliseconds(Int64(gracePeriod * 1000))
        // Used by swift-subprocess itself if the calling task is cancelled.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)]
        let executable: Executable = program.contains("/") ? .path(.init(program)) : .name(program)
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }

        let pipes: PipeReader.Pipes
        switch PipeReader.makePipes() {
        case .success(let made): pipes = made
        case .failure(let error):
            return collector.result(ending: .launchFailed("cannot make pipes: \(error)"), stopReason: nil, seconds: 0)
        }
        // Until the reader thread takes them over, the read ends are ours to close.
        var readEndsOwned = true
        defer {
            if readEndsOwned {
                close(pipes.stdoutRead)
                close(pipes.stderrRead)
            }
        }
        do {
            let started = { (pid: pid_t, teardown: @escaping @Sendable () async -> Void) async in
                let queue = OutputQueue()
                readEndsOwned = false
                PipeReader(stdout: pipes.stdoutRead, stderr: pipes.stderrRead, collector: collector, queue: queue)
                    .start(pid: pid)
                await withTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        while let lines = await queue.next() { await output?.deliver(lines) }
                        return true
                    }
                    group.addTask {
                        guard let reason = await Self.waitForStop(timeout: timeout, stop: stop) else { return false }
                        stopReason.set(reason)
                        await teardown()
                        // teardown() stops once the leader is dead; children that ignored SIGTERM are still in
                        // the group. The leader is not reaped until this body returns, so its pid still names
                        // this group and cannot have been reused.
                        _ = kill(-pid, SIGKILL)
                        return false
                    }
                    while let readerEnded = await group.next() {
                        // Output over: the process is gone (or left its pipes to a grandchild); stop the watchdog.
                        if readerEnded { group.cancelAll() }
                    }
                }
            }
            let launch = Launch(executable: executable, arguments: Arguments(Array(argv.dropFirst())),
                                environment: overrides.isEmpty ? .inherit : .inherit.updating(overrides),
                                workingDirectory: .init(workingDirectory), options: options, pipes: pipes, grace: grace)
            // The input is handed over as bytes and never logged; without one, stdin stays /dev/null.
            let status = if let input {
                try await launch.run(input: .array(Array(input.utf8)), started)
            } else {
                try await launch.run(input: .none, started)
            }
            let ending: CommandResult.Ending
            switch status {
            case .exited(let code): ending = .exited(code)
            case .signaled(let signal): ending = .signaled(signal)
            }
            return collector.result(ending: ending, stopReason: stopReason.value, seconds: elapsed())
        } catch let error as SubprocessError where error.code == .executableNotFound {
            return collector.result(ending: .launchFailed("\(program): command not found on PATH"),
                                    stopReason: nil, seconds: elapsed())
        } catch {
            return collector.result(ending: .launchFailed("\(program): \(error)"), stopReason: stopReason.value,
                                    seconds: elapsed())
        }
    }

    /// Returns why to stop the process, or nil when the caller cancelled this wait (the process ended).
    private static func waitForStop(timeout: Double, stop: StopSwitch) async -> CommandResult.StopReason? {
        await withTaskGroup(of: CommandResult.StopReason?.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: .milliseconds(Int64(max(0, timeout) * 1000)))
                    return .timeout
                } catch {
                    return nil
                }
            }
            group.addTask {
                await stop.wait()
                return Task.isCancelled ? nil : .cancelled
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// One process to start: what `Subprocess.run` needs besides the input, whose type differs per input.
private struct Launch: Sendable {
    var executable: Executable
    var arguments: Arguments
    var environment: Environment
    var workingDirectory: FilePath
    var options: PlatformOptions
    var pipes: PipeReader.Pipes
    var grace: Duration

    /// Starts the process with `input`, calls `started` with its pid and a way to stop its group, and returns how it ended.
    func run<Input: InputProtocol>(
        input: Input, _ started: (pid_t, @escaping @Sendable () async -> Void) async -> Void
    ) async throws -> TerminationStatus {
        let grace = grace
        let outcome = try await Subprocess.run(
            executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            platformOptions: options, input: input,
            output: .fileDescriptor(FileDescriptor(rawValue: pipes.stdoutWrite), closeAfterSpawningProcess: true),
            error: .fileDescriptor(FileDescriptor(rawValue: pipes.stderrWrite), closeAfterSpawningProcess: true)
        ) { execution in
            await started(execution.processIdentifier.value, {
                await execution.teardown(using: [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)])
            })
        }
        return outcome.terminationStatus
    }
}

/// Where a command's lines go besides the log: handed over a read chunk at a time.
struct OutputSink: Sendable {
    var source: OutputSource
    /// Receives the lines of one chunk, in order; the next chunk waits for it.
    var deliver: @Sendable (OutputLines) async -> Void
}

/// The step whose lines these are.
struct OutputSource: Sendable {
    var index: Int
    var stepID: StepID

    /// For a command that is no step of a plan (session's port-forward, submit's log): `OutputLines` carries a step,
    /// and this one is read by nobody.
    static let noStep = OutputSource(index: 0, stepID: .applyRayCluster)
}

/// Set once by the watchdog, read after the process ended.
private final class StopReasonBox: @unchecked Sendable {
    // Guarded by `lock`; a class so the watchdog task and the caller share it.
    private let lock = NSLock()
    private var reason: CommandResult.StopReason?

    func set(_ value: CommandResult.StopReason) { lock.withLock { if reason == nil { reason = value } } }
    var value: CommandResult.StopReason? { lock.withLock { reason } }
}
