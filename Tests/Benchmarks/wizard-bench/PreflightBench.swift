import Foundation
import TestKit

/// `wizard-bench preflight [--rounds N] [--wizard PATH]`: what preflight adds to `apply --yes` on the emulator's
/// instant profile (default answers), side by side in one sitting: each round runs `apply --yes --skip-preflight`,
/// `apply --yes` on a new project (the Compute Engine API off, so its reads wait for the run's API enablement and go
/// again at the gate), `apply --yes` on a project used before (the APIs on: every read answers at once) and
/// `preflight` alone (on a new project), each on a fresh emulator of its own, one after another (the order turned
/// round every other round). For each: the wall time, the CPU of the wizard and every process it waited for, and for
/// the applies when the first step that creates something started.
enum PreflightBench {
    struct Measured {
        var seconds: Double
        var cpuSeconds: Double
        /// When the first step that creates something started, after the command did (nil for `preflight`).
        var firstCreate: Double?
    }

    static let commands: [(label: String, args: [String], apisOn: Bool)] = [
        ("apply --yes --skip-preflight", ["apply", "--yes", "--skip-preflight"], false),
        ("apply --yes", ["apply", "--yes"], false),
        ("apply --yes, APIs on", ["apply", "--yes"], true),
        ("preflight alone", ["preflight"], false),
    ]

    static func main(_ arguments: [String]) async {
        let rounds = value(of: "--rounds", in: arguments).flatMap(Int.init) ?? 3
        let wizard = value(of: "--wizard", in: arguments)
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kuberay-gcs-wizard").path
        guard FileManager.default.isExecutableFile(atPath: wizard) else {
            GraphBench.fail("no kuberay-gcs-wizard at \(wizard): build it with the same -c/--scratch-path, or pass --wizard PATH")
        }
        var tools: [String: String] = [:]
        for name in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "python3"] {
            guard let path = Spawn.which(name) else { GraphBench.fail("\(name) is not on PATH") }
            tools[name] = path
        }
        say("wizard-bench preflight: \(rounds) rounds, \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + ISO8601DateFormatter().string(from: Date()))
        say("round  command                         load    wall      CPU   first create")
        var all: [String: [Measured]] = [:]
        for round in 1...rounds {
            let order = round % 2 == 1 ? commands : commands.reversed()
            for command in order {
                let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
                do {
                    let m = try await run(command.args, apisOn: command.apisOn, wizard: wizard, tools: tools)
                    all[command.label, default: []].append(m)
                    let first = m.firstCreate.map { String(format: "%6.1f s", $0) } ?? "     -"
                    say(String(format: "%5d  ", round) + command.label.padding(toLength: 30, withPad: " ", startingAt: 0)
                        + "  " + load.padding(toLength: 5, withPad: " ", startingAt: 0)
                        + String(format: "  %6.1f s  %5.1f s  ", m.seconds, m.cpuSeconds) + first)
                } catch {
                    say("\(round) \(command.label): \(error)")
                }
            }
        }
        guard let skipped = all[commands[0].label], !skipped.isEmpty else { return }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        for command in commands[1...2] {
            guard let checked = all[command.label], !checked.isEmpty else { continue }
            let wall = median(checked.map(\.seconds)) - median(skipped.map(\.seconds))
            let cpu = median(checked.map(\.cpuSeconds)) - median(skipped.map(\.cpuSeconds))
            let first = median(checked.compactMap(\.firstCreate)) - median(skipped.compactMap(\.firstCreate))
            say(String(format: "preflight adds to %@ (medians): %.1f s wall, %.1f s CPU, %.1f s before the first create",
                       command.label, wall, cpu, first))
        }
    }

    /// Runs the wizard with `args` and the default answers on a fresh instant emulator (`apisOn`: as a project used
    /// before).
    static func run(_ args: [String], apisOn: Bool, wizard: String, tools: [String: String]) async throws -> Measured {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-bench-preflight-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        let emulator = try Emulator(root: root, scale: 1, tools: tools, profile: "instant")
        defer {
            emulator.stop()
            try? FileManager.default.removeItem(at: root)
        }
        if apisOn { try await emulator.seed(["enabled_services": ["container.googleapis.com", "compute.googleapis.com"]]) }
        let workspace = root.appendingPathComponent("workspace").path
        let sets = ["project=demo-project", "bucket.name=bench-bucket"].flatMap { ["--set", $0] }
        let plan = try runProcess(wizard, ["plan"] + sets + ["--format", "json"], env: emulator.environment, cwd: root, timeout: 60)
        guard plan.status == 0 else { throw GraphBenchError("plan failed: \(plan.stderr)") }
        let kinds = GraphBench.kinds(planJSON: plan.stdout)

        let cpuBefore = childrenCPU()
        let launched = Date()
        let started = ContinuousClock.now
        // `preflight --workspace` reads the answers there; the applies write theirs.
        let place = args.first == "apply" ? ["--workspace", workspace] : []
        let result = try runProcess(wizard, args + sets + place, env: emulator.environment, cwd: root, timeout: 1800)
        let elapsed = ContinuousClock.now - started
        let cpu = childrenCPU() - cpuBefore
        guard result.status == 0 else {
            throw GraphBenchError("\(args.joined(separator: " ")) exit \(result.status):\n\(result.stdout.suffix(2000))\n\(result.stderr.suffix(1000))")
        }
        var firstCreate: Double?
        if args.first == "apply" {
            let journal = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace + "/state.json"))) as? [String: Any]
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            // The steps that change something: every one but the checks and the API enablement (Plan.changingStepIndices).
            firstCreate = ((journal?["steps"] as? [[String: Any]]) ?? [])
                .filter { kinds[$0["id"] as? String ?? ""] != "check" && $0["id"] as? String != "enable-apis" }
                .compactMap { ($0["startedAt"] as? String).flatMap(iso.date(from:))?.timeIntervalSince(launched) }
                .min()
        }
        return Measured(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpuSeconds: cpu,
                        firstCreate: firstCreate)
    }

    /// User and system CPU seconds of every child process waited for so far (the wizard and, through it, its commands).
    static func childrenCPU() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func value(of flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    }
}
