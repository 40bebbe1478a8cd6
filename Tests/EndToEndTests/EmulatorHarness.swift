import Foundation
import TestKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The programs the emulator tests run for real; a test skips, or fails with `KGW_REQUIRE_TOOLS=1`, when one is missing.
struct EndToEndTools: Sendable {
    var python: String
    var gcloud: String
    var kubectl: String

    /// The installed tools (see `RequiredTool`).
    static func require() throws -> EndToEndTools {
        let found = try RequiredTool.paths(["gcloud", "kubectl", "gke-gcloud-auth-plugin", "python3", "openssl"],
                                           for: "the end-to-end emulator test")
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : found["python3"] ?? ""
        return EndToEndTools(python: python, gcloud: found["gcloud"] ?? "", kubectl: found["kubectl"] ?? "")
    }
}

/// One request the emulator logged (`GET /__control/log`).
struct EmulatorLogEntry: Decodable, Sendable, Equatable {
    var method: String
    var path: String
    var status: Int
    var kind: String
    var server: String

    var succeeded: Bool { status < 300 }
}

extension Array where Element == EmulatorLogEntry {
    /// Successful requests of `kind`.
    func succeeded(_ kind: String) -> Int { filter { $0.kind == kind && $0.succeeded }.count }
    /// All requests of `kind`, whatever their status.
    func count(_ kind: String) -> Int { filter { $0.kind == kind }.count }
    /// Every `create-*` request, whatever its status.
    var creates: [EmulatorLogEntry] { filter { $0.kind.hasPrefix("create-") } }
}

/// A running emulator (Tests/Emulator) in its own temporary folder, with the hermetic environment the real
/// gcloud, kubectl and the wizard run in: temporary CLOUDSDK_CONFIG, KUBECONFIG, KUBECACHEDIR and HOME,
/// endpoints on 127.0.0.1, a fake `helm` first on PATH and, unless `plainGcloud`, a `gcloud` there that runs the
/// installed gcloud in the test process's fork server (`GcloudForkServer`). Nothing else is inherited from the test's
/// environment except PATH. gcloud is logged in with the emulator's service-account key (its token endpoint on
/// 127.0.0.1), so tokens carry an expiry and gke-gcloud-auth-plugin caches them rather than starting gcloud on
/// every kubectl call. `stop()` ends the emulator; it also ends itself after `maxLifetime` seconds, a bound for a test
/// that crashed before stopping it, not for a slow one: the tests run at once, and the longest (doctor's) has taken 16
/// minutes on a loaded 2-core machine.
final class EmulatorHarness: @unchecked Sendable {
    let root: URL
    let stateDir: URL
    let workspace: URL
    let googlePort: Int
    let kubePort: Int
    /// The folder first on PATH: the fake helm and, with the fork server, the `gcloud` client.
    let bin: URL
    /// The environment for the wizard and for direct gcloud/kubectl calls.
    let environment: [String: String]
    private let process: Process
    private let lock = NSLock()
    private var stopped = false
    /// Holds one of `EmulatorSlots`' places until `stop()` (the scenarios `start` began).
    private var slot = false
    /// Whether `stop()` removes `root` (it was made for this emulator alone).
    private let removesRoot: Bool

    static let emulatorScript = TestPaths.packageRoot.appendingPathComponent("Tests/Emulator/emulator.py")

    /// Starts an emulator with state in `root/emulator`; the workspace is `root/workspace`. `arguments` go to the
    /// emulator (e.g. `--profile realistic --time-scale 0.02`). `plainGcloud` leaves the installed launcher alone on
    /// PATH, for the tests that prove it still works as the fork server's stand-in does.
    init(root: URL, tools: EndToEndTools, maxLifetime: Int = 3600, removesRoot: Bool = false, arguments: [String] = [],
         plainGcloud: Bool = false) throws {
        self.root = root
        self.removesRoot = removesRoot
        stateDir = root.appendingPathComponent("emulator")
        workspace = root.appendingPathComponent("workspace")
        let home = root.appendingPathComponent("home"), bin = root.appendingPathComponent("bin")
        self.bin = bin
        for dir in [stateDir, home, bin] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

        let stdoutURL = root.appendingPathComponent("emulator.stdout"), stderrURL = root.appendingPathComponent("emulator.stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.python)
        process.arguments = [Self.emulatorScript.path, "--state-dir", stateDir.path, "--max-lifetime", String(maxLifetime)] + arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try Spawn.start(process)
        self.process = process

        // emulator.json is written last, atomically, once both servers listen.
        let info = stateDir.appendingPathComponent("emulator.json")
        let deadline = Date().addingTimeInterval(60)
        var json: [String: Any]?
        while json == nil {
            if let data = try? Data(contentsOf: info) { json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] }
            if json != nil { break }
            if !process.isRunning || Date() > deadline {
                if process.isRunning { process.terminate() }
                let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
                throw EmulatorError("the emulator did not start (exit \(process.isRunning ? -1 : process.terminationStatus)):\n\(err)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        googlePort = json?["google_port"] as? Int ?? 0
        kubePort = json?["kube_port"] as? Int ?? 0

        // The fake helm, first on PATH.
        let helm = bin.appendingPathComponent("helm")
        try? FileManager.default.removeItem(at: helm)
        try TestPaths.linkExecutable(helm, to: TestPaths.support.appendingPathComponent("fake-helm"))
        var forkServer: GcloudForkServer?
        if !plainGcloud && !GcloudForkServer.off {
            do {
                forkServer = try GcloudForkServer.shared()
                try TestPaths.linkExecutable(bin.appendingPathComponent("gcloud"), to: GcloudForkServer.client)
            } catch {
                if process.isRunning { process.terminate() }
                throw error
            }
        }

        var env = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                   "HOME": home.path, "LANG": "C.UTF-8",
                   "FAKE_HELM_STATE": root.appendingPathComponent("helm-state").path,
                   "FAKE_HELM_CONTROL": "http://127.0.0.1:\(googlePort)/__control", "FAKE_HELM_PYTHON": tools.python]
        let hermetic = try String(contentsOf: stateDir.appendingPathComponent("hermetic.env"), encoding: .utf8)
        for line in hermetic.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        // The access-token file would win over the activated key, and its tokens have no expiry.
        env["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"] = nil
        env[GcloudForkServer.environmentVariable] = forkServer?.socket
        environment = env
        let key = stateDir.appendingPathComponent("service-account.json").path
        let login = try runProcess(forkServer == nil ? tools.gcloud : bin.appendingPathComponent("gcloud").path, ["auth", "activate-service-account", "--key-file", key], env: env, cwd: root, timeout: 120)
        guard login.status == 0 else {
            stop()
            throw EmulatorError("gcloud auth activate-service-account with the emulator's key failed (exit \(login.status)):\n\(login.stderr)")
        }
    }

    /// Starts an emulator (see `init`) in a new temporary folder named after `name`, which `stop()` removes; the
    /// caller stops it. Awaited off Swift's cooperative pool.
    static func start(_ name: String, arguments: [String] = [], plainGcloud: Bool = false) async throws -> EmulatorHarness {
        let tools = try EndToEndTools.require()
        await EmulatorSlots.shared.acquire()
        let root: URL
        do {
            root = try TestPaths.newTemporaryFolder(name)
        } catch {
            await EmulatorSlots.shared.release()
            throw error
        }
        do {
            let harness = try await offThePool {
                try EmulatorHarness(root: root, tools: tools, removesRoot: true, arguments: arguments, plainGcloud: plainGcloud)
            }
            harness.lock.withLock { harness.slot = true }
            return harness
        } catch {
            try? FileManager.default.removeItem(at: root)
            await EmulatorSlots.shared.release()
            throw error
        }
    }

    /// Ends the emulator (SIGTERM, then SIGKILL after 5 s) and waits for it; removes its folder if it made it. Idempotent.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        if removesRoot { try? FileManager.default.removeItem(at: root) }
        if slot { Task { await EmulatorSlots.shared.release() } }
    }

    deinit { stop() }

    // MARK: Running the wizard and the real clients

    /// Runs the built wizard with `args` in the hermetic environment (cwd: `root`).
    func wizard(_ args: [String], timeout: TimeInterval = 1800) throws -> ProcessResult {
        try runProcess(try TestPaths.wizard.path, args, env: environment, cwd: root, timeout: timeout)
    }

    /// `apply` with the answers in `sets` (`key=value`) on this harness's workspace.
    func apply(_ sets: [String], extra: [String] = []) throws -> ProcessResult {
        try wizard(["apply"] + sets.flatMap { ["--set", $0] } + ["--workspace", workspace.path, "--yes"] + extra)
    }

    /// `apply --skip-preflight`: the setup a test starts from, when what it tests comes after. Preflight reads twice on
    /// a new project (as the run starts, and again once the APIs are on): 20 of the apply's 37 gcloud calls, about half
    /// its CPU. Its checks for every cluster mode, operator and identity mode are proven by the combinations of
    /// `EmulatorEndToEndTests.testApplySucceedsForEveryCombination` and its stops by PreflightEndToEndTests; a caller
    /// names the combination that covers its answers.
    func applyForSetup(_ sets: [String], extra: [String] = []) throws -> ProcessResult {
        try apply(sets, extra: ["--skip-preflight"] + extra)
    }

    /// Runs an installed program (gcloud, kubectl) in the hermetic environment, as found on its PATH.
    func run(_ program: String, _ args: [String], cwd: URL? = nil, timeout: TimeInterval = 300) throws -> ProcessResult {
        let first = bin.appendingPathComponent(program).path
        let path = FileManager.default.isExecutableFile(atPath: first) ? first : try RequiredTool.path(program, for: "this end-to-end test")
        return try runProcess(path, args, env: environment, cwd: cwd ?? root, timeout: timeout)
    }

    // MARK: The same, awaited off the cooperative pool

    func wizard(_ args: [String], timeout: TimeInterval = 1800) async throws -> ProcessResult {
        try await offThePool { try self.wizard(args, timeout: timeout) }
    }

    func apply(_ sets: [String], extra: [String] = []) async throws -> ProcessResult {
        try await offThePool { try self.apply(sets, extra: extra) }
    }

    func applyForSetup(_ sets: [String], extra: [String] = []) async throws -> ProcessResult {
        try await offThePool { try self.applyForSetup(sets, extra: extra) }
    }

    func run(_ program: String, _ args: [String], cwd: URL? = nil, timeout: TimeInterval = 300) async throws -> ProcessResult {
        try await offThePool { try self.run(program, args, cwd: cwd, timeout: timeout) }
    }

    func log() async throws -> [EmulatorLogEntry] {
        try await offThePool { try self.log() }
    }

    func seed(_ spec: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: spec)
        _ = try await offThePool { try self.control("POST", "seed", json: body) }
    }

    func addFaults(_ spec: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: spec)
        _ = try await offThePool { try self.control("POST", "faults", json: body) }
    }

    func installCRD(cluster: String? = nil) async throws {
        _ = try await offThePool { try self.installCRD(cluster: cluster) }
    }

    func control(_ method: String, _ endpoint: String) async throws -> Data {
        try await offThePool { try self.control(method, endpoint) }
    }

    // MARK: Control API

    /// The request log so far.
    func log() throws -> [EmulatorLogEntry] {
        try JSONDecoder().decode([EmulatorLogEntry].self, from: control("GET", "log"))
    }

    /// Pre-creates things (`POST /__control/seed`).
    func seed(_ spec: [String: Any]) throws { _ = try control("POST", "seed", spec) }

    /// Adds fault rules (`POST /__control/faults`).
    func addFaults(_ spec: [String: Any]) throws { _ = try control("POST", "faults", spec) }

    /// Serves rayclusters.ray.io in `cluster` ("LOCATION/NAME"), else in the most recent cluster.
    func installCRD(cluster: String? = nil) throws {
        _ = try control("POST", "install-crd", cluster.map { ["cluster": $0] } ?? [:])
    }

    /// One control request to 127.0.0.1; throws on a status other than 200.
    func control(_ method: String, _ endpoint: String, _ body: [String: Any]? = nil) throws -> Data {
        try control(method, endpoint, json: try body.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    /// One control request with a JSON body already encoded.
    func control(_ method: String, _ endpoint: String, json: Data?) throws -> Data {
        let url = URL(string: "http://127.0.0.1:\(googlePort)/__control/\(endpoint)")!
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let json {
            request.httpBody = json
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.connectionProxyDictionary = [:]
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            box.set(data, (response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 35) == .success else { throw EmulatorError("\(method) \(url): no answer") }
        let (data, status, error) = box.get()
        if let error { throw EmulatorError("\(method) \(url): \(error)") }
        guard status == 200 else {
            throw EmulatorError("\(method) \(url): HTTP \(status ?? -1) \(String(decoding: data ?? Data(), as: UTF8.self))")
        }
        return data ?? Data()
    }
}

struct EmulatorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, Int?, Error?) = (nil, nil, nil)
    func set(_ data: Data?, _ status: Int?, _ error: Error?) { lock.lock(); value = (data, status, error); lock.unlock() }
    func get() -> (Data?, Int?, Error?) { lock.lock(); defer { lock.unlock() }; return value }
}


/// At most `limit` emulator scenarios at once (`KGW_E2E_PARALLEL`, default 6). Each scenario starts dozens of gcloud
/// processes, several at once with the parallel runner; all of them together on 2 cores pushed single applies past
/// their limits. The others wait for a place, so the cores stay busy without the contention.
actor EmulatorSlots {
    static let shared = EmulatorSlots(limit: Int(ProcessInfo.processInfo.environment["KGW_E2E_PARALLEL"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 6)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    /// Waits for a place.
    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Gives a place back: to the scenario waiting longest, if any.
    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
