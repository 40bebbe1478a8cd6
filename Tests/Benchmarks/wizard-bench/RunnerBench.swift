import Foundation
import RunModel
import SetupPlan
import SetupRunner
#if canImport(Glibc)
import Glibc
#endif

/// `wizard-bench runner [--steps N] [--lines N] [--runs R] [--big-lines N]`: SetupRunner's cost over the bare commands.
///
/// 1. N steps of /bin/true through the engine (N/10 runs of a probe-less 10-step plan, journal saved
///    twice per step with fsync) against N posix_spawn + waitpid of /bin/true.
/// 2. Throughput: a file of L lines is written by a separate process (`runner-lines`) before anything is
///    timed; then, median of R runs each: `cat FILE > /dev/null` and `cat FILE > LOG` (nobody reads the output),
///    `cat FILE | cat > /dev/null` (`cat` reading the step's output to /dev/null, as the engine reads it),
///    `cat FILE | tee LOG > /dev/null` (a reader that also writes a log, as the engine must) and one step
///    `cat FILE` through the engine, run in a child process (`runner-step`) that does nothing else: every line
///    goes to the log and to an observer that counts the lines, or (`--decode`) makes a `String` of each.
/// 3. Peak resident memory (VmHWM) of that child: before the step, after L lines, and after a step printing
///    `--big-lines` lines (default 10 x L), to show memory does not grow with the output size.
enum RunnerBench {
    static func main(_ arguments: [String]) async {
        let stepCount = value(of: "--steps", in: arguments) ?? 200
        let lineCount = value(of: "--lines", in: arguments) ?? 1_000_000
        let runs = max(1, value(of: "--runs", in: arguments) ?? 5)
        let bigLines = value(of: "--big-lines", in: arguments) ?? lineCount * 10
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try await overhead(steps: stepCount, root: root)
            try throughput(lines: lineCount, bigLines: bigLines, runs: runs, root: root)
        } catch {
            FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    // MARK: 1. Per-step overhead

    private static func overhead(steps stepCount: Int, root: URL) async throws {
        let bare = time { for _ in 0..<stepCount { _ = spawnAndWait(["/bin/true"]) } }
        // A plan the size of the real one (10 steps), run again and again: journal cost as in real use.
        // Ids that take a name, so there are as many as the bench needs.
        let trueSteps = (0..<10).map { Step(id: .createNodePool(group: "true-\($0)"), title: "true \($0)", why: "bench", argv: ["/bin/true"], kind: .check) }
        var engine = 0.0
        for _ in 0..<max(1, stepCount / 10) {
            let start = ContinuousClock.now
            let result = try await RunnerStep.run(steps: trueSteps, workspace: root.appendingPathComponent("overhead"), observer: LineCounter())
            guard result == .succeeded else { throw BenchError.runFailed("\(result)") }
            engine += seconds(ContinuousClock.now - start)
        }
        print("steps: \(stepCount) x /bin/true (\(stepCount / 10) runs of a 10-step plan)")
        print(String(format: "  bare posix_spawn+wait : %7.3f ms/step", bare * 1000 / Double(stepCount)))
        print(String(format: "  through SetupRunner   : %7.3f ms/step", engine * 1000 / Double(stepCount)))
        print(String(format: "  engine overhead       : %7.3f ms/step", (engine - bare) * 1000 / Double(stepCount)))
        print("")
    }

    // MARK: 2-3. Throughput and memory

    private static func throughput(lines lineCount: Int, bigLines: Int, runs: Int, root: URL) throws {
        let me = try selfPath()
        let file = root.appendingPathComponent("lines.txt")
        // Written by a separate process so this one's heap stays out of the way.
        let generated = try capture([me, "runner-lines", "--lines", "\(lineCount)", "--out", file.path])
        guard let bytes = Int(generated.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError.runFailed("runner-lines printed \(generated)")
        }
        let mib = Double(bytes) / 1_048_576

        // Interleaved, one of each per round, so a change in the machine's load hits every row alike; the ratios
        // are medians of the per-round ratios.
        let catLogPath = root.appendingPathComponent("cat.log").path
        let teeLog = root.appendingPathComponent("tee.log").path
        var rounds: [ThroughputRound] = []
        for run in 0..<runs {
            let cat = time { _ = spawnAndWait(["/bin/cat", file.path]) }
            unlink(catLogPath)
            let catLog = time { _ = spawnAndWait(["/bin/cat", file.path], stdout: catLogPath) }
            let catCat = time { pipeline(["/bin/cat", file.path], ["/bin/cat"]) }
            unlink(teeLog)
            let catTee = time { pipeline(["/bin/cat", file.path], ["/usr/bin/tee", teeLog]) }
            var reports: [StepReport] = []
            for decode in [false, true] {
                let workspace = root.appendingPathComponent("step-\(run)")
                let report = try stepChild(me, file: file, repeats: 1, workspace: workspace, decode: decode)
                try? FileManager.default.removeItem(at: workspace)
                guard report.events == lineCount else { throw BenchError.runFailed("\(report.events) output lines, expected \(lineCount)") }
                reports.append(report)
            }
            rounds.append(ThroughputRound(cat: cat, catLog: catLog, catCat: catCat, catTee: catTee, engine: reports[0],
                                          decoding: reports[1].seconds))
        }
        unlink(catLogPath)
        unlink(teeLog)
        func medianOf(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let engine = rounds.sorted { $0.engine.seconds < $1.engine.seconds }[rounds.count / 2].engine
        let cat = medianOf(rounds.map(\.cat)), catLog = medianOf(rounds.map(\.catLog))
        let catCat = medianOf(rounds.map(\.catCat)), catTee = medianOf(rounds.map(\.catTee))
        let decoding = medianOf(rounds.map(\.decoding))
        /// Median over the rounds of this baseline's time over the engine's: engine speed relative to it.
        func ratio(_ baseline: KeyPath<ThroughputRound, Double>) -> String {
            String(format: "%.2f", medianOf(rounds.map { $0[keyPath: baseline] / $0.engine.seconds }))
        }

        // The big run: the same file `cat`-ed several times in one step (no bigger input file to write).
        let repeats = max(1, (bigLines + lineCount - 1) / max(1, lineCount))
        let bigWorkspace = root.appendingPathComponent("step-big")
        let big = try stepChild(me, file: file, repeats: repeats, workspace: bigWorkspace)
        try? FileManager.default.removeItem(at: bigWorkspace)

        func row(_ name: String, _ s: Double, _ versus: String) -> String {
            "| " + name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(format: " | %7.3f s | %6.0f MiB/s | %5.1f M/s | ", s, mib / s, Double(lineCount) / s / 1e6)
                + versus.padding(toLength: 18, withPad: " ", startingAt: 0) + " |"
        }
        print("output: \(lineCount) lines, \(String(format: "%.1f", mib)) MiB; times are medians of \(runs) interleaved rounds, ratios medians of each round's")
        print("")
        print("| " + "command".padding(toLength: 34, withPad: " ", startingAt: 0)
              + " |      time |   throughput | lines     | engine speed / this |")
        print("|" + String(repeating: "-", count: 36) + "|-----------|--------------|-----------|--------------------|")
        print(row("`cat FILE > /dev/null` (no reader)", cat, ratio(\.cat)))
        print(row("`cat FILE > LOG` (no reader)", catLog, ratio(\.catLog)))
        print(row("`cat FILE \\| cat > /dev/null`", catCat, ratio(\.catCat) + " (goal >= 0.5)"))
        print(row("`cat FILE \\| tee LOG > /dev/null`", catTee, ratio(\.catTee)))
        print(row("SetupRunner: step `cat FILE`", engine.seconds, "1"))
        print(row("SetupRunner, every line a String", decoding, ratio(\.decoding)))
        print("")
        print("peak RSS (VmHWM) of a process that only runs the step (goal: under 30 MB whatever the output size):")
        print("")
        print("| step output        | step time | RSS before the step | peak RSS           |")
        print("|--------------------|-----------|---------------------|--------------------|")
        for (report, name) in [(engine, "\(lineCount) lines"), (big, "\(big.events) lines")] {
            print("| " + name.padding(toLength: 18, withPad: " ", startingAt: 0)
                  + String(format: " | %7.2f s | %15.1f MiB | %5.1f MiB (%4.1f MB) |", report.seconds,
                           Double(report.rssBeforeKiB) / 1024, Double(report.peakKiB) / 1024, Double(report.peakKiB) * 1024 / 1e6))
        }
    }

    // MARK: Helpers

    static func value(of flag: String, in arguments: [String]) -> Int? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return Int(arguments[i + 1])
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return seconds(ContinuousClock.now - start)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func selfPath() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw BenchError.runFailed("cannot read /proc/self/exe") }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs the engine on one `cat` step in a child process that does nothing else.
    private static func stepChild(_ me: String, file: URL, repeats: Int, workspace: URL, decode: Bool = false) throws -> StepReport {
        let text = try capture([me, "runner-step", "--file", file.path, "--repeat", "\(repeats)", "--workspace", workspace.path]
                               + (decode ? ["--decode"] : []))
        guard let report = StepReport(text) else { throw BenchError.runFailed("runner-step printed \(text)") }
        return report
    }

    /// Runs `argv` and returns its stdout.
    private static func capture(_ argv: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError.runFailed("\(argv[1]) exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// posix_spawn + waitpid with stdout to /dev/null (or a new file), the floor any process runner pays.
    private static func spawnAndWait(_ argv: [String], stdout: String = "/dev/null") -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard let pid = spawn(argv, &actions) else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }

    /// `first | second > /dev/null`, without a shell.
    private static func pipeline(_ first: [String], _ second: [String]) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        var writer = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&writer)
        defer { posix_spawn_file_actions_destroy(&writer) }
        posix_spawn_file_actions_adddup2(&writer, fds[1], 1)
        posix_spawn_file_actions_addclose(&writer, fds[0])
        posix_spawn_file_actions_addclose(&writer, fds[1])
        var reader = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&reader)
        defer { posix_spawn_file_actions_destroy(&reader) }
        posix_spawn_file_actions_adddup2(&reader, fds[0], 0)
        posix_spawn_file_actions_addclose(&reader, fds[0])
        posix_spawn_file_actions_addclose(&reader, fds[1])
        posix_spawn_file_actions_addopen(&reader, 1, "/dev/null", O_WRONLY, 0)
        let a = spawn(first, &writer)
        let b = spawn(second, &reader)
        close(fds[0])
        close(fds[1])
        var status: Int32 = 0
        if let a { waitpid(a, &status, 0) }
        if let b { waitpid(b, &status, 0) }
    }

    private static func spawn(_ argv: [String], _ actions: inout posix_spawn_file_actions_t) -> pid_t? {
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { return nil }
        return pid
    }
}

/// One round of the throughput measure: each baseline's time and the engine's, taken one after another.
struct ThroughputRound {
    var cat: Double
    var catLog: Double
    var catCat: Double
    var catTee: Double
    var engine: StepReport
    /// The engine with an observer that decodes every line.
    var decoding: Double
}

/// What `runner-step` prints: `seconds events rssBeforeKiB peakKiB`.
struct StepReport {
    var seconds: Double
    var events: Int
    var rssBeforeKiB: Int
    var peakKiB: Int

    init(seconds: Double, events: Int, rssBeforeKiB: Int, peakKiB: Int) {
        self.seconds = seconds
        self.events = events
        self.rssBeforeKiB = rssBeforeKiB
        self.peakKiB = peakKiB
    }

    init?(_ text: String) {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 4, let s = Double(fields[0]), let e = Int(fields[1]), let b = Int(fields[2]), let p = Int(fields[3]) else {
            return nil
        }
        self.init(seconds: s, events: e, rssBeforeKiB: b, peakKiB: p)
    }

    var text: String { "\(seconds) \(events) \(rssBeforeKiB) \(peakKiB)" }
}

/// `wizard-bench runner-step --file FILE [--repeat K] --workspace DIR [--decode]`: one step `cat FILE` (K times)
/// through the engine with a counting observer; prints a `StepReport`. Does nothing else, so VmHWM is the engine's.
enum RunnerStep {
    static func main(_ arguments: [String]) async {
        guard let i = arguments.firstIndex(of: "--file"), i + 1 < arguments.count,
              let w = arguments.firstIndex(of: "--workspace"), w + 1 < arguments.count else {
            FileHandle.standardError.write(Data("usage: wizard-bench runner-step --file FILE [--repeat K] --workspace DIR [--decode]\n".utf8))
            exit(2)
        }
        let repeats = max(1, RunnerBench.value(of: "--repeat", in: arguments) ?? 1)
        let step = Step(id: .verifyBucket, title: "print lines", why: "bench",
                        argv: ["/bin/cat"] + Array(repeating: arguments[i + 1], count: repeats), kind: .check)
        let counter = LineCounter(decode: arguments.contains("--decode"))
        let before = memoryKiB("VmRSS:")
        let start = ContinuousClock.now
        do {
            let result = try await run(steps: [step], workspace: URL(fileURLWithPath: arguments[w + 1]), observer: counter)
            guard result == .succeeded else { throw BenchError.runFailed("\(result)") }
        } catch {
            FileHandle.standardError.write(Data("runner-step failed: \(error)\n".utf8))
            exit(1)
        }
        let elapsed = RunnerBench.seconds(ContinuousClock.now - start)
        print(StepReport(seconds: elapsed, events: counter.count, rssBeforeKiB: before, peakKiB: memoryKiB("VmHWM:")).text)
    }

    static func run(steps: [Step], workspace: URL, observer: some RunObserver) async throws -> RunResult {
        let plan = Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "")
        // The engine's cost per step, one after another (the steps name no needs).
        var options = RunOptions()
        options.concurrency = 1
        let runner = SetupRunner(plan: plan, workspace: workspace, options: options)
        return try await runner.run(mode: .fresh, observer: observer)
    }

    private static func memoryKiB(_ key: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

/// `wizard-bench runner-lines --lines N --out FILE`: writes N lines about the width of kubectl / gcloud output;
/// prints the byte count.
enum RunnerLines {
    static func main(_ arguments: [String]) {
        let count = RunnerBench.value(of: "--lines", in: arguments) ?? 1_000_000
        guard let o = arguments.firstIndex(of: "--out"), o + 1 < arguments.count,
              let file = fopen(arguments[o + 1], "w") else {
            FileHandle.standardError.write(Data("usage: wizard-bench runner-lines --lines N --out FILE\n".utf8))
            exit(2)
        }
        var total = 0
        for i in 0..<count {
            let line = "line \(i): pod/raycluster-head-\(i % 997) condition met, status Running, restarts 0\n"
            total += line.utf8.count
            fputs(line, file)
        }
        fclose(file)
        print(total)
    }
}

/// Counts output lines; the cheapest possible observer, so the figures are the engine's own cost. With `decode`,
/// it also makes a `String` of every line, as an observer that shows every line must.
final class LineCounter: RunObserver, @unchecked Sendable {
    // Only the engine's single event sequence touches these, one call at a time.
    var count = 0
    var bytes = 0
    let decode: Bool

    init(decode: Bool = false) { self.decode = decode }

    func handle(_ event: RunEvent) async {
        if case .output = event { count += 1 }
    }
    func handle(output lines: OutputLines) async {
        count += lines.count
        if decode { for line in lines { bytes += line.utf8.count } }
    }
}

enum BenchError: Error {
    case runFailed(String)
}
