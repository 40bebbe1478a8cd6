import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestKit

/// `wizard-bench graph [--time-scale X] [--wizard PATH] [--shapes standard-gpu,autopilot]`: `apply`'s wall time on the
/// emulator's realistic profile against the critical path of the plan's graph, with the one-step-at-a-time run
/// (`--parallel 1`) measured beside it (each run on an emulator of its own, both at once).
///
/// The critical path is the longest chain through the plan's `needs` of what the emulator makes each step wait for
/// (its modelled durations at the time scale, read from `GET /__control/profile`): the cluster's create, a node
/// pool, an update; a pod's new node, image pull and start; IAM's propagation after a grant or binding before the
/// check from the pods succeeds, and a new service account's before the bucket accepts a grant to it. Commands'
/// own time (gcloud's start-up, its 5 s polls, preflight's reads) is left out: that is the overhead the ratio shows.
enum GraphBench {
    struct Shape {
        var name: String
        var sets: [String]
        var autopilot: Bool
    }

    static let shapes = [
        Shape(name: "standard-gpu", sets: ["cluster.mode=create-standard", "operator=gke-addon", "identity.mode=iam-service-account",
                                           "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"],
              autopilot: false),
        Shape(name: "autopilot", sets: ["cluster.mode=create-autopilot", "operator=helm", "identity.mode=direct"], autopilot: true),
    ]

    static func main(_ arguments: [String]) async {
        // The cloud's own pace: gcloud's start-up (about a second of CPU a call, more on a loaded machine) does not
        // shrink with a smaller scale, so a smaller one measures the machine's load more than the run.
        let scale = value(of: "--time-scale", in: arguments).flatMap(Double.init) ?? 1.0
        let wizard = value(of: "--wizard", in: arguments)
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kuberay-gcs-wizard").path
        let names = value(of: "--shapes", in: arguments)?.split(separator: ",").map(String.init) ?? shapes.map(\.name)
        guard FileManager.default.isExecutableFile(atPath: wizard) else {
            fail("no kuberay-gcs-wizard at \(wizard): build it with the same -c/--scratch-path, or pass --wizard PATH")
        }
        var tools: [String: String] = [:]
        for name in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "python3"] {
            guard let path = Spawn.which(name) else { fail("\(name) is not on PATH") }
            tools[name] = path
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        say("wizard-bench graph: time scale \(scale), \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(load), "
            + ISO8601DateFormatter().string(from: Date()))
        say("shape         critical path   parallel (4)     ratio   one at a time    ratio   speed-up")
        for shape in shapes where names.contains(shape.name) {
            do {
                async let parallel = run(shape, concurrency: 4, scale: scale, wizard: wizard, tools: tools)
                async let sequential = run(shape, concurrency: 1, scale: scale, wizard: wizard, tools: tools)
                let (p, s) = try await (parallel, sequential)
                let path = p.criticalPath
                say(String(format: "%-13@ %10.1f s   %10.1f s   %5.2fx   %10.1f s   %5.2fx   %5.2fx", shape.name as NSString,
                             path.seconds, p.seconds, p.seconds / path.seconds, s.seconds, s.seconds / path.seconds, s.seconds / p.seconds))
                say("  critical path: " + path.chain.joined(separator: " -> "))
                for (label, run) in [("--parallel 4", p), ("--parallel 1", s)] {
                    say("  \(label): " + breakdown(run).joined(separator: "; "))
                }
                say("  --parallel 4, each step's start after apply's, its time, and what the emulator made it wait for:")
                for entry in p.timeline {
                    let modelled = p.weights[entry.id].map { String(format: "%6.1f s", $0) } ?? "       "
                    say(String(format: "    %6.1f s %6.1f s %@  %@ (%@)", entry.start, entry.seconds, modelled as NSString, entry.id as NSString,
                               entry.status as NSString))
                }
            } catch {
                say("\(shape.name): \(error)")
            }
        }
    }

    /// Where a run's time went outside the steps' modelled waits: before the first step (preflight before the run),
    /// between the API enablement and the first step after it that is not a check (the gate), and each step of the critical path over
    /// what the emulator made it wait for.
    static func breakdown(_ run: Measured) -> [String] {
        var parts: [String] = []
        let starts = run.timeline.sorted { $0.start < $1.start }
        if let first = starts.first { parts.append(String(format: "first step at %.1f s", first.start)) }
        if let apis = run.timeline.first(where: { $0.id == "enable-apis" }) {
            let end = apis.start + apis.seconds
            if let next = starts.first(where: { $0.start > end && run.kinds[$0.id] != "check" }) {
                parts.append(String(format: "gate %.1f s (enable-apis' end to %@)", next.start - end, next.id as NSString))
            }
        }
        var over = 0.0
        for id in run.criticalPath.chain {
            guard let step = run.timeline.first(where: { $0.id == id }) else { continue }
            let excess = step.seconds - (run.weights[id] ?? 0)
            if id == "enable-apis" {
                parts.append(String(format: "enable-apis %.1f s over its modelled wait", excess))
            } else {
                over += excess
            }
        }
        parts.append(String(format: "the critical path's later steps %.1f s over their modelled waits", over))
        if let last = run.timeline.map({ $0.start + $0.seconds }).max() {
            parts.append(String(format: "last step ends %.1f s before apply exits", run.seconds - last))
        }
        return parts
    }

    struct Measured {
        var seconds: Double
        var criticalPath: (seconds: Double, chain: [String])
        /// What the emulator makes each step wait for (its weight on the critical path).
        var weights: [String: Double]
        /// Each step's kind (`check`, `create`, ...), from the plan.
        var kinds: [String: String]
        /// Each step that ran: when it started after `apply` did, how long it took, and its status.
        var timeline: [(start: Double, seconds: Double, id: String, status: String)]
    }

    /// Starts an emulator, runs `apply --parallel concurrency` on it and times it; the critical path comes from the
    /// plan and that emulator's profile.
    static func run(_ shape: Shape, concurrency: Int, scale: Double, wizard: String, tools: [String: String]) async throws -> Measured {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-bench-graph-\(shape.name)-\(concurrency)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        let emulator = try Emulator(root: root, scale: scale, tools: tools)
        defer {
            emulator.stop()
            try? FileManager.default.removeItem(at: root)
        }
        let sets = ["project=demo-project", "bucket.name=bench-bucket"] + shape.sets
        let args = sets.flatMap { ["--set", $0] }
        let plan = try runProcess(wizard, ["plan"] + args + ["--format", "json"], env: emulator.environment, cwd: root, timeout: 60)
        guard plan.status == 0 else { throw GraphBenchError("plan failed: \(plan.stderr)") }
        let durations = try await emulator.durations()

        let started = ContinuousClock.now
        let launched = Date()
        let workspace = root.appendingPathComponent("workspace").path
        let applied = try runProcess(wizard, ["apply"] + args + ["--workspace", workspace, "--yes", "--parallel", String(concurrency)],
                                     env: emulator.environment, cwd: root, timeout: 3600)
        let elapsed = ContinuousClock.now - started
        guard applied.status == 0 else {
            throw GraphBenchError("apply --parallel \(concurrency) exit \(applied.status):\n\(applied.stdout.suffix(2000))\n\(applied.stderr.suffix(1000))")
        }
        let journal = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace + "/state.json"))) as? [String: Any]
        let steps = (journal?["steps"] as? [[String: Any]]) ?? []
        let statuses = steps.reduce(into: [String: String]()) { $0[$1["id"] as? String ?? ""] = $1["status"] as? String }
        let (path, weights) = try criticalPath(planJSON: plan.stdout, durations: durations, autopilot: shape.autopilot,
                                               statuses: statuses)
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let timeline = steps.compactMap { step -> (Double, Double, String, String)? in
            guard let at = (step["startedAt"] as? String).flatMap(iso.date(from:)) else { return nil }
            return (at.timeIntervalSince(launched), (step["seconds"] as? NSNumber)?.doubleValue ?? 0, step["id"] as? String ?? "",
                    step["status"] as? String ?? "")
        }
        return Measured(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, criticalPath: path,
                        weights: weights, kinds: kinds(planJSON: plan.stdout), timeline: timeline)
    }

    /// Each step's kind in `plan --format json`.
    static func kinds(planJSON: String) -> [String: String] {
        let doc = (try? JSONSerialization.jsonObject(with: Data(planJSON.utf8))) as? [String: Any]
        let steps = doc?["steps"] as? [[String: Any]] ?? []
        return steps.reduce(into: [:]) { $0[$1["id"] as? String ?? ""] = $1["kind"] as? String }
    }

    /// The longest chain through the plan's needs, each step weighted by what the emulator makes it wait for (nothing
    /// for a step the run found already done) and each wait for IAM to take effect added on its edge.
    static func criticalPath(planJSON: String, durations d: [String: Double], autopilot: Bool,
                             statuses: [String: String]) throws -> (path: (seconds: Double, chain: [String]), weights: [String: Double]) {
        guard let doc = try JSONSerialization.jsonObject(with: Data(planJSON.utf8)) as? [String: Any],
              let steps = doc["steps"] as? [[String: Any]] else { throw GraphBenchError("plan --format json: no steps") }
        func w(_ key: String) -> Double { d[key] ?? 0 }
        func weight(_ id: String) -> Double {
            if statuses[id] == "already-done" { return 0 }
            switch id {
            case "enable-apis": return w("enable_service")
            case "create-cluster": return w(autopilot ? "create_cluster_autopilot" : "create_cluster")
            case "enable-workload-identity", "enable-ray-addon", "enable-ray-logging", "enable-ray-monitoring", "enable-gcsfuse-addon":
                return w("update_cluster")
            case "enable-gke-metadata": return w("update_node_pool")
            // Standard's head goes on a node of the cluster's pool; Autopilot adds a node for it.
            case "wait-head": return (autopilot ? w("node_scale_up") : 0) + w("image_pull") + w("pod_start")
            // A worker that always runs gets a node from its (GPU) pool's autoscaler.
            case "wait-workers": return w("node_scale_up") + w("image_pull") + w("pod_start")
            case "verify-bucket", "verify-mount": return w("metadata_warmup")
            default: return id.hasPrefix("create-node-pool-") ? w("create_node_pool") : 0
            }
        }
        // Waits that start when one step ends and hold up a later one: IAM's propagation.
        func edge(_ from: String, _ to: String) -> Double {
            switch (from, to) {
            case ("grant-bucket-role", "verify-bucket"), ("bind-workload-identity", "verify-bucket"): return w("iam_policy")
            case ("create-iam-sa", "grant-bucket-role"): return w("new_service_account")
            default: return 0
            }
        }
        var finish: [String: (seconds: Double, chain: [String])] = [:]
        var ancestors: [String: Set<String>] = [:]
        var weights: [String: Double] = [:]
        for step in steps {
            guard let id = step["id"] as? String else { continue }
            weights[id] = weight(id)
            let needs = step["needs"] as? [String] ?? []
            ancestors[id] = needs.reduce(into: Set(needs)) { $0.formUnion(ancestors[$1] ?? []) }
            // The IAM edges count from wherever the earlier step is in the chain, not only from a direct need.
            var start: (seconds: Double, chain: [String]) = (0, [])
            for earlier in ancestors[id] ?? [] {
                guard let done = finish[earlier] else { continue }
                let candidate = done.seconds + edge(earlier, id)
                if candidate > start.seconds { start = (candidate, done.chain) }
            }
            finish[id] = (start.seconds + weight(id), start.chain + [id])
        }
        return (finish.values.max { $0.seconds < $1.seconds } ?? (0, []), weights)
    }

    /// Prints `line` at once, also into a file or a pipe (a run takes minutes).
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func value(of flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("wizard-bench graph: \(message)\n".utf8))
        exit(1)
    }
}

struct GraphBenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The emulator (Tests/Emulator) on a profile (the realistic one unless told), in `root`, with the hermetic environment
/// the end-to-end tests use: gcloud logged in with the emulator's key, the fake helm first on PATH.
final class Emulator {
    let environment: [String: String]
    private let process: Process
    private let googlePort: Int

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init(root: URL, scale: Double, tools: [String: String], profile: String = "realistic") throws {
        let state = root.appendingPathComponent("emulator"), home = root.appendingPathComponent("home"), bin = root.appendingPathComponent("bin")
        for dir in [state, home, bin] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : tools["python3"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.packageRoot.appendingPathComponent("Tests/Emulator/emulator.py").path, "--state-dir", state.path,
                             "--max-lifetime", "7200", "--profile", profile, "--time-scale", String(scale)]
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let info = state.appendingPathComponent("emulator.json")
        let deadline = Date().addingTimeInterval(60)
        var json: [String: Any]?
        while json == nil {
            json = (try? Data(contentsOf: info)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            if json != nil { break }
            guard process.isRunning, Date() < deadline else { throw GraphBenchError("the emulator did not start in \(state.path)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        googlePort = json?["google_port"] as? Int ?? 0
        let helm = bin.appendingPathComponent("helm")
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("Tests/EndToEndTests/Support/fake-helm"), to: helm)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helm.path)
        var env = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "HOME": home.path,
                   "LANG": "C.UTF-8", "FAKE_HELM_STATE": root.appendingPathComponent("helm-state").path,
                   "FAKE_HELM_CONTROL": "http://127.0.0.1:\(googlePort)/__control", "FAKE_HELM_PYTHON": python]
        for line in try String(contentsOf: state.appendingPathComponent("hermetic.env"), encoding: .utf8).split(separator: "\n")
        where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        // As the end-to-end tests: a key login, so the auth plugin caches a token with an expiry.
        env["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"] = nil
        environment = env
        let login = try runProcess(tools["gcloud"] ?? "gcloud", ["auth", "activate-service-account", "--key-file",
                                                                 state.appendingPathComponent("service-account.json").path],
                                   env: env, cwd: root, timeout: 120)
        guard login.status == 0 else {
            process.terminate()
            throw GraphBenchError("gcloud auth activate-service-account failed: \(login.stderr)")
        }
    }

    /// Every modelled duration's wall seconds at this emulator's time scale.
    func durations() async throws -> [String: Double] {
        guard let url = URL(string: "http://127.0.0.1:\(googlePort)/__control/profile") else { throw GraphBenchError("bad port") }
        let (data, _) = try await URLSession.shared.data(from: url)
        let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let entries = doc?["durations"] as? [String: [String: Any]] ?? [:]
        return entries.compactMapValues { ($0["wall_seconds"] as? NSNumber)?.doubleValue }
    }

    /// Seeds the emulator's state (`POST /__control/seed`, Tests/Emulator/README.md).
    func seed(_ spec: [String: Any]) async throws {
        guard let url = URL(string: "http://127.0.0.1:\(googlePort)/__control/seed") else { throw GraphBenchError("bad port") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: spec)
        _ = try await URLSession.shared.data(for: request)
    }

    /// SIGTERM, then SIGKILL after 5 s (the emulator's server can take a while to shut down), and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
