import Foundation
import SetupPlan
import SetupRunner
#if canImport(Glibc)
import Glibc
#endif

/// `wizard-bench runner [--steps N] [--lines N]`: SetupRunner's cost over the bare commands.
///
/// 1. N steps of /bin/true through the engine (N/10 runs of a probe-less 10-step plan, journal saved
///    twice per step with fsync) against N posix_spawn + waitpid of /bin/true.
/// 2. One step printing L lines (`cat` of a generated file) through the engine, every line an event and
///    a log line, against `cat file > /dev/null` and `cat file | wc -l`.
/// 3. Peak resident memory (VmHWM) of this process.
enum RunnerBench {
    static func main(_ arguments: [String]) async {
        let stepCount = value(of: "--steps", in: arguments) ?? 200
        let lineCount = value(of: "--lines", in: arguments) ?? 1_000_000
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

            // 1. Per-step overhead.
            let bare = time { for _ in 0..<stepCount { _ = spawnAndWait(["/bin/true"], stdoutTo: "/dev/null") } }
            // A plan the size of the real one (10 steps), run again and again: journal cost as in real use.
            let trueSteps = (0..<10).map { Step(id: "true-\($0)", title: "true \($0)", why: "bench", argv: ["/bin/true"], kind: .check) }
            var engine = (seconds: 0.0, lines: 0)
            for _ in 0..<max(1, stepCount / 10) {
                let run = try await timeRun(steps: trueSteps, workspace: root.appendingPathComponent("overhead"))
                engine.seconds += run.seconds
            }
            print("steps: \(stepCount) x /bin/true (\(stepCount / 10) runs of a 10-step plan)")
            print(String(format: "  bare posix_spawn+wait : %7.3f ms/step", bare.seconds * 1000 / Double(stepCount)))
            print(String(format: "  through SetupRunner   : %7.3f ms/step", engine.seconds * 1000 / Double(stepCount)))
            print(String(format: "  engine overhead       : %7.3f ms/step", (engine.seconds - bare.seconds) * 1000 / Double(stepCount)))
            print("  peak RSS so far       : \(peakRSSKiB() / 1024) MiB")

            // 2. Output throughput.
            let file = root.appendingPathComponent("lines.txt")
            let bytes = try writeLines(lineCount, to: file)
            let cat = time { _ = spawnAndWait(["/bin/cat", file.path], stdoutTo: "/dev/null") }
            let pipeline = time { _ = spawnAndWait(["/bin/sh", "-c", "/bin/cat \"$0\" | /usr/bin/wc -l", file.path], stdoutTo: "/dev/null") }
            let catStep = Step(id: "cat", title: "print lines", why: "bench", argv: ["/bin/cat", file.path], kind: .check)
            let counted = try await timeRun(steps: [catStep], workspace: root.appendingPathComponent("throughput"))
            let mib = Double(bytes) / 1_048_576
            print("output: \(lineCount) lines, \(String(format: "%.1f", mib)) MiB")
            print(String(format: "  cat > /dev/null       : %7.3f s  (%8.1f MiB/s)", cat.seconds, mib / cat.seconds))
            print(String(format: "  cat | wc -l           : %7.3f s  (%8.1f MiB/s, through a pipe)", pipeline.seconds, mib / pipeline.seconds))
            print(String(format: "  through SetupRunner   : %7.3f s  (%8.1f MiB/s, %.0f lines/s, %.2fx cat)",
                         counted.seconds, mib / counted.seconds, Double(lineCount) / counted.seconds,
                         cat.seconds / counted.seconds))
            print("  output events seen    : \(counted.lines)")
            print("  peak RSS (VmHWM)      : \(peakRSSKiB() / 1024) MiB")
        } catch {
            FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    private static func value(of flag: String, in arguments: [String]) -> Int? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return Int(arguments[i + 1])
    }

    private static func time(_ body: () -> Void) -> (seconds: Double, Void) {
        let start = ContinuousClock.now
        body()
        return (seconds(ContinuousClock.now - start), ())
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func timeRun(steps: [Step], workspace: URL) async throws -> (seconds: Double, lines: Int) {
        let plan = Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "")
        let runner = SetupRunner(plan: plan, workspace: workspace, fingerprint: "bench", normalizedAnswers: "bench")
        let counter = LineCounter()
        let start = ContinuousClock.now
        let result = try await runner.run(mode: .fresh, observer: counter)
        let elapsed = seconds(ContinuousClock.now - start)
        guard result == .succeeded else { throw BenchError.runFailed(result) }
        return (elapsed, counter.count)
    }

    private static func writeLines(_ count: Int, to url: URL) throws -> Int {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else { throw BenchError.cannotWrite(url.path) }
        defer { try? handle.close() }
        var chunk = ""
        var total = 0
        for i in 0..<count {
            // About the width of kubectl / gcloud output lines.
            chunk += "line \(i): pod/raycluster-head-\(i % 997) condition met, status Running, restarts 0\n"
            if chunk.utf8.count > 1 << 20 || i == count - 1 {
                total += chunk.utf8.count
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        return total
    }

    /// posix_spawn + waitpid, the floor any process runner pays.
    private static func spawnAndWait(_ argv: [String], stdoutTo path: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY, 0)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }

    private static func peakRSSKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

/// Counts output events; the cheapest possible observer, so the figures are the engine's own cost.
private final class LineCounter: RunObserver, @unchecked Sendable {
    // Only the engine's single event sequence touches `count`, one event at a time.
    var count = 0
    func handle(_ event: RunEvent) async {
        if case .output = event { count += 1 }
    }
}

private enum BenchError: Error {
    case runFailed(RunResult)
    case cannotWrite(String)
}
