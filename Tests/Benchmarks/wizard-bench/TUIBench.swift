import Cells
import Foundation
import RunModel
import SetupPlan
import SetupRunner
import WizardApp
import Terminal
import TestKit
import WizardModel
import WizardResources
import WizardView
#if canImport(Glibc)
import Glibc
#endif

/// `wizard-bench tui [--runs N] [--keys N] [--lines N] [--stream-rounds N] [--wizard PATH] [--compare PATH] [--only 1|2|3]`: the wizard's responsiveness.
///
/// 1. Start to first complete frame, in an 80x24 tmux pane: the real `kuberay-gcs-wizard` (Welcome) against
///    `whiptail --inputbox`, launched the same way (respawn-pane) and timed until capture-pane shows the frame;
///    interleaved runs, medians. A `printf` baseline shows what launching and polling alone cost.
/// 2. Keystroke to updated screen: in this process, `update` + `WizardView.render` + `Terminal.present` (ncurses
///    diff and write to a pty someone reads) for typical keys; and through tmux (send-keys until capture-pane shows it).
/// 3. A key while a step streams: the real wizard in tmux runs a plan whose first step prints without pause
///    (fake tools flooding 100,000-line rounds) while `?` opens and closes the keys overlay, each key timed from
///    send-keys until capture-pane shows the change; and how fast the model alone takes output in (the
///    100,000 lines N times over, applied through `update`).
enum TUIBench {
    static func main(_ arguments: [String]) async {
        let runs = value(of: "--runs", in: arguments) ?? 30
        let keyCount = value(of: "--keys", in: arguments) ?? 400
        let lineCount = value(of: "--lines", in: arguments) ?? 100_000
        let streamRounds = max(1, value(of: "--stream-rounds", in: arguments) ?? 10)
        let only = value(of: "--only", in: arguments)
        // Another build of the wizard timed in the same rounds (start-up only), e.g. with other link options.
        let comparePath = string(of: "--compare", in: arguments)
        let referencePath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("frame-reference").path
        let wizardPath = string(of: "--wizard", in: arguments)
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kuberay-gcs-wizard").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-bench-tui-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            guard let tmuxPath = Spawn.which("tmux") else { fail("tmux is needed (apt-get install -y tmux)") }
            guard let whiptailPath = Spawn.which("whiptail") else { fail("whiptail is needed for the comparison (apt-get install -y whiptail)") }
            guard FileManager.default.isExecutableFile(atPath: wizardPath) else {
                fail("no kuberay-gcs-wizard at \(wizardPath): build it with the same -c/--scratch-path, or pass --wizard PATH")
            }
            let environment = try fakeWorld(in: folder)
            guard let tmux = BenchTmux(tmux: tmuxPath, folder: folder, environment: environment) else { fail("cannot start tmux") }
            defer { tmux.kill() }

            print("wizard-bench tui: \(runs) runs per program, \(keyCount) keys per kind, \(lineCount) streamed lines; 80x24")
            print("")
            if only == nil || only == 1 {
                print("1. start to first complete frame (tmux 80x24, respawn-pane until capture-pane shows it)")
                startup(tmux, runs: runs, wizard: wizardPath, compare: comparePath, whiptail: whiptailPath)
                print("   the same on a pty the bench reads itself (no tmux; from posix_spawn until the frame's text is written)")
                startupOnPTY(folder: folder, environment: environment, runs: runs, wizard: wizardPath, compare: comparePath,
                             reference: FileManager.default.isExecutableFile(atPath: referencePath) ? referencePath : nil,
                             whiptail: whiptailPath)
                print("")
            }
            if only == nil || only == 2 {
                print("2. keystroke to updated screen")
                try keystrokesInProcess(count: keyCount)
                keystrokesThroughTmux(tmux, runs: runs, wizard: wizardPath)
                print("")
            }
            if only == nil || only == 3 {
                print("3. a key while a step streams output")
                try streaming(lines: lineCount, rounds: streamRounds)
                streamingThroughTmux(tmux, folder: folder, runs: runs, wizard: wizardPath)
            }
        } catch {
            fail("bench failed: \(error)")
        }
    }

    // MARK: 1. Startup

    /// What each program's first frame shows once it is complete.
    private static let welcomeMarkers = ["Welcome", "Enter start", "q quit"]
    private static let whiptailMarkers = ["Google Cloud project ID", "ray-demo-123", "<Ok>", "<Cancel>"]
    private static let whiptailArguments = ["--title", "Project and location", "--inputbox", "Google Cloud project ID", "10", "60", "ray-demo-123"]

    /// One program's start-up timing: run `n` gives seconds to its first frame, or nil if none came.
    private typealias Timed = (name: String, time: (Int) -> Double?)

    /// Times every program once per round, interleaved, and prints the table (`digits` after the millisecond
    /// point); the first two rounds warm the page cache and are not counted. The samples, or nil after a failure.
    private static func interleaved(_ programs: [Timed], runs: Int, digits: Int) -> [[Double]]? {
        var samples = Array(repeating: [Double](), count: programs.count)
        for run in 0..<(runs + 2) {
            for (index, program) in programs.enumerated() {
                guard let seconds = program.time(run) else { return nil }
                if run >= 2 { samples[index].append(seconds) }
            }
        }
        print(row("program", "median", "p90", "min", header: true))
        for (index, program) in programs.enumerated() {
            let s = Stats(samples[index])
            print(row(program.name, ms(s.median, digits), ms(s.p90, digits), ms(s.min, digits)))
        }
        return samples
    }

    private static func startup(_ tmux: BenchTmux, runs: Int, wizard: String, compare: String?, whiptail: String) {
        func inPane(_ name: String, _ markers: [String], _ command: @escaping (Int) -> String) -> Timed {
            (name, { run in
                tmux.respawn("clear; exec sleep 100000")
                _ = tmux.wait { $0.allSatisfy(\.isWhitespace) }
                let start = ContinuousClock.now
                tmux.respawn(command(run))
                guard tmux.wait({ screen in markers.allSatisfy(screen.contains) }) != nil else {
                    print("   \(name): no frame within 10 s; the pane:\n\(tmux.capture())")
                    return nil
                }
                return (ContinuousClock.now - start).seconds
            })
        }
        var programs: [Timed] = [
            inPane("printf (launch + poll floor)", ["READY"]) { _ in "printf 'READY\\n'; exec sleep 100000" },
            // The Swift runtime and Foundation loading alone: the binary printing its help.
            inPane("kuberay-gcs-wizard --help", ["VERSION "]) { _ in "\(ShellQuote.quote(wizard)) --help | head -1 | sed 's/^/VERSION /'; exec sleep 100000" },
            inPane("kuberay-gcs-wizard (Welcome)", welcomeMarkers) { "exec \(ShellQuote.quote(wizard)) --workspace ws-\($0)" },
            inPane("whiptail --inputbox", whiptailMarkers) { _ in "exec " + ([whiptail] + whiptailArguments).map(ShellQuote.quote).joined(separator: " ") },
        ]
        if let compare {
            programs.append(inPane("--compare build (Welcome)", welcomeMarkers) { "exec \(ShellQuote.quote(compare)) --workspace ws-c\($0)" })
        }
        guard let samples = interleaved(programs, runs: runs, digits: 1) else { return }
        let floor = Stats(samples[0]).median
        let wizardMedian = Stats(samples[2]).median, whiptailMedian = Stats(samples[3]).median
        print(String(format: "   minus the floor: wizard %.1f ms, whiptail %.1f ms; wizard/whiptail %.2fx",
                     (wizardMedian - floor) * 1000, (whiptailMedian - floor) * 1000, wizardMedian / whiptailMedian))
        if compare != nil {
            let compareMedian = Stats(samples[4]).median
            print(String(format: "   --compare build: %.1f ms over the floor; /whiptail %.2fx",
                         (compareMedian - floor) * 1000, compareMedian / whiptailMedian))
        }
    }

    private static func startupOnPTY(folder: URL, environment: [String: String], runs: Int, wizard: String, compare: String?,
                                     reference: String?, whiptail: String) {
        func onPTY(_ name: String, _ markers: [String], _ argv: @escaping (Int) -> [String]) -> Timed {
            (name, { run in
                let seconds = FrameTimer.time(argv(run), environment: environment, markers: markers)
                if seconds == nil { print("   \(name): no frame on the pty within 10 s") }
                return seconds
            })
        }
        var programs: [Timed] = [
            onPTY("printf (launch floor)", ["READY"]) { _ in ["/usr/bin/printf", "READY"] },
            onPTY("kuberay-gcs-wizard (Welcome)", welcomeMarkers) { [wizard, "--workspace", folder.appendingPathComponent("pty-\($0)").path] },
            onPTY("whiptail --inputbox", whiptailMarkers) { _ in [whiptail] + whiptailArguments },
        ]
        if let compare {
            programs.append(onPTY("--compare build (Welcome)", welcomeMarkers) { [compare, "--workspace", folder.appendingPathComponent("ptyc-\($0)").path] })
        }
        if let reference {
            programs.append(onPTY("frame-reference (Swift floor)", welcomeMarkers) { _ in [reference] })
        }
        guard let samples = interleaved(programs, runs: runs, digits: 2) else { return }
        let whiptailMedian = Stats(samples[2]).median, wizardMedian = Stats(samples[1]).median
        print(String(format: "   wizard %.2f ms (goal: under 10 ms); wizard/whiptail %.2fx", wizardMedian * 1000, wizardMedian / whiptailMedian)
              + (compare == nil ? "" : String(format: "; --compare build/whiptail %.2fx", Stats(samples[3]).median / whiptailMedian)))
        if reference != nil, let floor = samples.last.map({ Stats($0).median }) {
            print(String(format: "   frame-reference/whiptail %.2fx; wizard over frame-reference %.2f ms", floor / whiptailMedian,
                         (wizardMedian - floor) * 1000))
        }
    }

    // MARK: 2. Keystrokes

    private static func keystrokesInProcess(count: Int) throws {
        guard let pty = BenchPTY() else { throw TUIBenchError.noPTY }
        let terminal = Terminal(input: pty.slave, output: pty.slave,
                                options: Terminal.Options(deliverSignals: false, terminalType: "xterm-256color"))
        try terminal.start()
        defer { terminal.stop() }
        var state = firstState(asciiOnly: !terminal.isUTF8)
        terminal.present(WizardView.render(state, size: state.size))

        var table: [(String, [Double], [Double], [Double])] = []
        func measure(_ name: String, _ keys: [Key]) {
            var updates: [Double] = [], renders: [Double] = [], totals: [Double] = []
            for i in 0..<count {
                let key = keys[i % keys.count]
                let t0 = ContinuousClock.now
                _ = update(&state, .key(key))
                let t1 = ContinuousClock.now
                let frame = WizardView.render(state, size: state.size)
                let t2 = ContinuousClock.now
                terminal.present(frame)
                let t3 = ContinuousClock.now
                updates.append((t1 - t0).seconds)
                renders.append((t2 - t1).seconds)
                totals.append((t3 - t0).seconds)
            }
            table.append((name, updates, renders, totals))
        }
        _ = update(&state, .key(.enter))  // Welcome -> page 1, the project field focused
        measure("type a char (Project ID)", Array(repeating: .char("x"), count: 10) + Array(repeating: .backspace, count: 10))
        _ = update(&state, .key(.enter))  // page 2: Cluster
        _ = update(&state, .key(.tab))    // a text field, so Tab moves between fields
        measure("Tab / S-Tab (Cluster page)", [.tab, .tab, .tab, .backTab, .backTab, .backTab])
        for _ in 1..<WizardPage.all.count { _ = update(&state, .key(.enter)) }  // the pages after it, then Review
        guard state.screen == .review else { throw TUIBenchError.notOnReview(state.screen) }
        measure("scroll preview (↓ / Home)", Array(repeating: .down, count: 40) + [.home])
        measure("PgDn setup.sh", [.char("3")] + Array(repeating: .pageDown, count: 12) + [.home])
        measure("switch tab (1/2/3)", [.char("1"), .char("2"), .char("3")])
        print("   in process: update + render + present (ncurses diff, written to a pty), ms per key, \(count) keys each")
        print(row("key", "update", "render", "total med", "total p99", "max", header: true))
        for (name, updates, renders, totals) in table {
            let t = Stats(totals)
            print(row(name, ms(Stats(updates).median, 3), ms(Stats(renders).median, 3), ms(t.median, 3), ms(t.p99, 3), ms(t.max, 3)))
        }
        print("   goal: under 10 ms")
    }

    private static func keystrokesThroughTmux(_ tmux: BenchTmux, runs: Int, wizard: String) {
        tmux.respawn("exec \(ShellQuote.quote(wizard)) --workspace ws-keys")
        guard tmux.wait({ $0.contains("Enter start") }) != nil else { return print("   tmux: the wizard did not start") }
        tmux.keys(["Enter"])
        guard tmux.wait({ $0.contains("› Project ID") }) != nil else { return print("   tmux: no page 1") }
        var samples: [Double] = []
        var typed = ""
        for i in 0..<(runs * 2) {
            let char = i % 2 == 0 ? "a" : "b"
            let start = ContinuousClock.now
            if typed.count >= 20 {
                tmux.keys(["C-u"])
                typed = ""
            } else {
                tmux.keys([char], literal: true)
                typed += char
            }
            let expected = "› Project ID            \(typed)"
            guard tmux.wait({ screen in
                screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == expected.trimmingCharacters(in: .whitespaces) }
            }) != nil else { return print("   tmux: the typed text never showed") }
            samples.append((ContinuousClock.now - start).seconds)
        }
        tmux.respawn("exec sleep 100000")
        let s = Stats(samples)
        print(String(format: "   through tmux (send-keys until capture-pane shows it, %d keys): median %.1f ms, p90 %.1f ms, min %.1f ms",
                     samples.count, s.median * 1000, s.p90 * 1000, s.min * 1000))
    }

    // MARK: 3. Streaming

    /// 3a. How fast the wizard's loop takes output in: `rounds` floods of `lines` lines, one 64 KiB pipe read's worth
    /// of lines per action as the engine hands them over through the inbox, applied and drawn by the wizard's own
    /// `SessionLoop` (its frame pacing and action budget) with a terminal that only counts the frames.
    private static func streaming(lines: Int, rounds: Int) throws {
        var state = firstState(asciiOnly: false)
        let plan = RunSession.plan(for: state.answers)
        guard let first = plan.steps.first else { throw TUIBenchError.notOnReview(state.screen) }
        var batches: [OutputLines] = []
        var index = 0
        while index < lines {
            let batch = OutputLines(index: 0, stepID: first.id, stream: .stdout, lines: (index..<min(lines, index + 840)).map {
                "line \($0): pod/raycluster-head-\($0 % 997) condition met, status Running, restarts 0"
            })
            batches.append(batch)
            index += batch.count
        }
        state.size = Size(columns: 80, rows: 24)
        let loop = StreamingLoop(batches: batches, rounds: rounds)
        let code = loop.run(state)
        guard loop.seconds > 0 else { return print("   the loop ended (exit \(code)) before the lines were taken in") }
        print(String(format: "   the wizard's loop takes %d x %d lines in %.3f s (%.0f lines/s), %d frames drawn on the way",
                     rounds, lines, loop.seconds, Double(lines * rounds) / loop.seconds, loop.frames))
    }

    /// The flag file that makes the fake tools flood their output.
    private static let floodFlag = "flood-on"

    /// 3b. The real wizard in tmux, running a plan whose first step prints without pause: `?` opens the keys
    /// overlay and `?` closes it again, each timed from send-keys until capture-pane shows the change. This
    /// drives the real loop, engine and terminal; the idle figure of 2 (through tmux) is the baseline.
    private static func streamingThroughTmux(_ tmux: BenchTmux, folder: URL, runs: Int, wizard: String) {
        let workspace = folder.appendingPathComponent("ws-stream")
        let flag = folder.appendingPathComponent(floodFlag)
        defer {
            try? FileManager.default.removeItem(at: flag)
            tmux.respawn("exec sleep 100000")
        }
        do {
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            try "project: ray-demo-123\nbucket:\n  name: ray-demo-bucket\n".write(to: workspace.appendingPathComponent("answers.yaml"),
                                                                                   atomically: true, encoding: .utf8)
        } catch {
            return print("   tmux: cannot write the answers file: \(error)")
        }
        tmux.respawn("exec \(ShellQuote.quote(wizard)) --workspace \(ShellQuote.quote(workspace.path))")
        guard tmux.wait({ $0.contains("Enter start") }) != nil else { return print("   tmux: the wizard did not start") }
        tmux.keys(["Enter"])
        let pages = WizardPage.all.count
        for page in 1...pages {
            guard tmux.wait({ $0.contains("Page \(page) of \(pages)") }) != nil else { return print("   tmux: no page \(page)") }
            tmux.keys(["Enter"])
        }
        guard tmux.wait({ $0.contains("raycluster.yaml") }) != nil else { return print("   tmux: no Review screen:\n\(tmux.capture())") }
        guard FileManager.default.createFile(atPath: flag.path, contents: nil) else { return print("   cannot create \(flag.path)") }
        tmux.keys(["r"], literal: true)
        guard tmux.wait({ $0.contains("step 1/") && $0.contains("condition met") }) != nil else {
            return print("   tmux: the first step did not stream:\n\(tmux.capture())")
        }
        let marker = "Esc closes"
        var samples: [Double] = []
        for _ in 0..<runs {
            for opening in [true, false] {
                let start = ContinuousClock.now
                tmux.keys(["?"], literal: true)
                guard tmux.wait({ $0.contains(marker) == opening }) != nil else {
                    return print("   tmux: the keys overlay did not \(opening ? "open" : "close"):\n\(tmux.capture())")
                }
                samples.append((ContinuousClock.now - start).seconds)
            }
        }
        let screen = tmux.capture()
        guard screen.contains("step 1/"), screen.contains("condition met") else {
            return print("   tmux: the step stopped streaming before the keys were done:\n\(screen)")
        }
        let s = Stats(samples)
        print(String(format: "   the real wizard in tmux, step 1 printing without pause (%d keys): median %.1f ms, p90 %.1f ms, max %.1f ms",
                     samples.count, s.median * 1000, s.p90 * 1000, s.max * 1000))
    }

    // MARK: Helpers

    /// The wizard as it starts, with a project and bucket name given and the field help loaded.
    private static func firstState(asciiOnly: Bool) -> WizardState {
        var answers = Answers()
        answers.project = "ray-demo-123"
        answers.bucket.name = "ray-demo-bucket"
        var state = WizardState(answers: answers, workspace: WorkspaceFiles.defaultFolder, checkScript: WizardResources.bucketProbeScript, asciiOnly: asciiOnly, now: Date())
        _ = update(&state, .resize(Size(columns: 80, rows: 24)))
        return state
    }

    /// Fake gcloud, kubectl, gke-gcloud-auth-plugin and helm (the wizard's detection runs them), HOME and
    /// configs in `folder`: nothing of the user's is read or written.
    private static func fakeWorld(in folder: URL) throws -> [String: String] {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("home"), withIntermediateDirectories: true)
        let flood = folder.appendingPathComponent(floodFlag).path
        for tool in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"] {
            let path = bin.appendingPathComponent(tool).path
            // While the flag file exists (measure 3b), every call prints lines in rounds of 100,000 as fast as it can.
            let script = """
            #!/bin/sh
            while [ -e '\(flood)' ]; do
              awk 'BEGIN { for (i = 0; i < 100000; i++) print "line " i ": pod/raycluster-head-" (i % 997) " condition met, status Running, restarts 0" }'
            done
            # Nothing configured: detection leaves the answers' defaults alone.
            [ "$1 $2" = "config list" ] && echo '{}' && exit 0
            echo "\(tool) 1.0 (fake)"

            """
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return [
            "PATH": "\(bin.path):/usr/local/bin:/usr/bin:/bin",
            "HOME": folder.appendingPathComponent("home").path,
            "CLOUDSDK_CONFIG": folder.appendingPathComponent("gcloud-config").path,
            "KUBECONFIG": folder.appendingPathComponent("kubeconfig").path,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        ]
    }

    private static func row(_ name: String, _ values: String..., header: Bool = false) -> String {
        "   " + name.padding(toLength: 30, withPad: " ", startingAt: 0)
            + values.map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
    }

    private static func ms(_ seconds: Double, _ digits: Int = 1) -> String {
        String(format: "%.\(digits)f", seconds * 1000)
    }

    private static func value(of flag: String, in arguments: [String]) -> Int? {
        string(of: flag, in: arguments).flatMap { Int($0) }
    }

    private static func string(of flag: String, in arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}

/// Median, p90, p99, min and max of samples (seconds).
private struct Stats {
    let sorted: [Double]
    init(_ samples: [Double]) { sorted = samples.sorted() }
    var median: Double { percentile(0.5) }
    var p90: Double { percentile(0.9) }
    var p99: Double { percentile(0.99) }
    var min: Double { sorted.first ?? 0 }
    var max: Double { sorted.last ?? 0 }
    private func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

private enum TUIBenchError: Error {
    case noPTY
    case notOnReview(Screen)
}
