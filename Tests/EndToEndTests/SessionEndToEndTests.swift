import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestKit
import Testing

/// `session` after a default `apply`, with the real kubectl's port-forward against the emulator's head: the dashboard
/// answers through the printed URL (401 without the Ray token, 200 with it), a taken local port is skipped and named,
/// a dropped forward comes back on its own (a lost connection, a deleted head pod, a tunnel that stopped carrying), Ctrl-C ends it with kubectl gone; and its refusals (no setup, no free port,
/// the RayCluster gone).
@Suite struct SessionEndToEndTests {
    static let context = "gke_\(EmulatorEndToEndTests.project)_us-west1-b_cloud-bucket-cluster"

    @Test func testSessionForwardsReconnectsAndStopsCleanly() async throws {
        let emulator = try await EmulatorHarness.start("e2e-session")
        defer { emulator.stop() }
        let workspace = emulator.workspace.path

        let none = try await emulator.wizard(["session", "--workspace", workspace], timeout: 60)
        #expect(none.status == 2, "\(none.stdout + none.stderr)")
        #expect(none.stderr.contains("no setup in \(workspace)") && none.stderr.contains("apply --workspace"), "\(none.stderr)")

        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination.
        let applied = try await emulator.applyForSetup(["project=\(EmulatorEndToEndTests.project)", "bucket.name=\(EmulatorEndToEndTests.bucket)"])
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        #expect(applied.stdout.contains("kuberay-gcs-wizard session --workspace"), "apply points to session: \(applied.stdout)")

        // A program already listens on the first dashboard port.
        let taken = try Listener()
        let clientPort = try Listener().releasing()
        let session = try SessionProcess(emulator, ["--dashboard-port", String(taken.port), "--client-port", String(clientPort),
                                                    "--check-every", "2"])
        defer { session.kill() }
        let skipped = try await session.waitFor(#/Local port (\d+) \(dashboard\) is taken by another program; using (\d+)\./#)
        #expect(Int(skipped.1) == taken.port)
        let dashboardLine = try await session.waitFor(#/Ray dashboard: (http://127\.0\.0\.1:(\d+))/#)
        let url = String(dashboardLine.1)
        #expect(Int(dashboardLine.2) == Int(skipped.2), "the URL has the port used")
        #expect(session.stdout.contains("Ray client:    ray://127.0.0.1:\(clientPort)"), "\(session.stdout)")
        #expect(session.stdout.contains("base64 -d)"), "how to load the token: \(session.stdout)")

        let secret = try await emulator.run("kubectl", ["get", "secret", "raycluster-mini", "-o", "jsonpath={.data.auth_token}",
                                                        "--context", Self.context])
        let token = String(decoding: try #require(Data(base64Encoded: secret.stdout)), as: UTF8.self)
        #expect(try await httpStatus(url + "/api/version", token: nil) == 401)
        #expect(try await httpStatus(url + "/api/version", token: "not-the-token") == 403)
        #expect(try await httpStatus(url + "/api/version", token: token) == 200)

        // The connection to the pod drops: kubectl exits, and the session starts it again on the same port.
        _ = try await emulator.control("POST", "port-forward/drop")
        _ = try await session.waitFor(#/The forward dropped: error: lost connection to pod/#)
        _ = try await session.waitFor(#/Reconnected: http:\/\/127\.0\.0\.1:\d+/#)
        #expect(session.stdout.contains("Reconnected: \(url) "), "\(session.stdout)")
        #expect(try await httpStatus(url + "/api/version", token: token) == 200)

        // The head pod is deleted: the forward goes with it, and the session finds the head the operator makes again.
        let head = try await emulator.run("kubectl", ["get", "pods", "-l", "ray.io/node-type=head", "-o", "name", "--context", Self.context])
        let deletedHead = try await emulator.run("kubectl", ["delete", head.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                                                             "--context", Self.context])
        #expect(deletedHead.status == 0, "\(deletedHead.stderr)")
        try await session.waitForCount(of: "Reconnected: ", 2)
        #expect(try await httpStatus(url + "/api/version", token: token) == 200)
        let newHead = try await emulator.run("kubectl", ["get", "pods", "-l", "ray.io/node-type=head", "-o", "name", "--context", Self.context])
        #expect(newHead.stdout != head.stdout && !newHead.stdout.isEmpty, "a new head pod: \(newHead.stdout)")

        // The tunnel stays open with nothing flowing: kubectl stays up, the session's check notices.
        let hang = try JSONSerialization.data(withJSONObject: ["mode": "hang"])
        _ = try await offThePool { try emulator.control("POST", "port-forward/drop", json: hang) }
        _ = try await session.waitFor(#/The forward dropped: the dashboard did not answer through the forward/#)
        try await session.waitForCount(of: "Reconnected: ", 3)
        #expect(try await httpStatus(url + "/api/version", token: token) == 200)

        // Ctrl-C: 130, and neither kubectl nor its listener is left.
        let kubectl = try #require(Self.kubectlForwards(port: Int(dashboardLine.2) ?? 0).first, "kubectl port-forward is running")
        let status = try await session.interrupt()
        #expect(status == 130, "\(session.stdout)\n\(session.stderr)")
        #expect(session.stdout.hasSuffix("Stopped the forward.\n"), "\(session.stdout)")
        #expect(kill(kubectl, 0) != 0, "kubectl \(kubectl) is gone")
        #expect(Self.kubectlForwards(port: Int(dashboardLine.2) ?? 0).isEmpty)
        #expect(try await httpStatus(url + "/api/version", token: token) == nil, "nothing listens on the port any more")

        // Every port of the range taken: an error naming the range and the option.
        let range = try Listener.range(count: 10)
        let full = try await emulator.wizard(["session", "--workspace", workspace, "--dashboard-port", String(range[0].port)], timeout: 60)
        #expect(full.status == 1, "\(full.stdout + full.stderr)")
        #expect(full.stderr.contains("every local port from \(range[0].port) to \(range[0].port + 9) for the dashboard is taken")
                && full.stderr.contains("--dashboard-port PORT"), "\(full.stderr)")

        // The RayCluster gone: the error says so and names doctor.
        let deleted = try await emulator.run("kubectl", ["delete", "raycluster", "raycluster-mini", "--context", Self.context])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let gone = try await emulator.wizard(["session", "--workspace", workspace], timeout: 60)
        #expect(gone.status == 1, "\(gone.stdout + gone.stderr)")
        #expect(gone.stderr.contains("the RayCluster raycluster-mini is gone") && gone.stderr.contains("kuberay-gcs-wizard doctor --workspace"),
                "\(gone.stderr)")
    }

    /// The pids of running `kubectl port-forward` processes that forward local `port`.
    static func kubectlForwards(port: Int) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return argv.contains("port-forward") && argv.contains { $0.hasPrefix("\(port):") } ? pid : nil
        }
    }
}

/// The status of a GET of `url` (with the Ray token as a bearer token), or nil when nothing answers.
private func httpStatus(_ url: String, token: String?) async throws -> Int? {
    try await offThePool {
        var request = URLRequest(url: try #require(URL(string: url)), timeoutInterval: 10)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.connectionProxyDictionary = [:]
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let status = StatusBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { _, response, _ in
            status.set((response as? HTTPURLResponse)?.statusCode)
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 15)
        return status.get()
    }
}

private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int?
    func set(_ status: Int?) { lock.withLock { value = status } }
    func get() -> Int? { lock.withLock { value } }
}

/// A TCP listener on 127.0.0.1 that holds its port until released or deinitialized.
private final class Listener {
    let port: Int
    private var fd: Int32

    init(port: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw EmulatorError("cannot listen on 127.0.0.1:\(port)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// `count` listeners on consecutive ports.
    static func range(count: Int) throws -> [Listener] {
        for _ in 0..<50 {
            let base = Int.random(in: 20000...60000)
            if let all = try? (0..<count).map({ try Listener(port: base + $0) }) { return all }
        }
        throw EmulatorError("no \(count) consecutive free ports")
    }

    /// Closes the listener; returns its port, now free.
    func releasing() -> Int {
        close(fd)
        fd = -1
        return port
    }

    deinit { if fd >= 0 { close(fd) } }
}

/// `kuberay-gcs-wizard session` running in the background, its output in files read as it grows.
private final class SessionProcess: @unchecked Sendable {
    private let process = Process()
    private let out: URL
    private let err: URL

    init(_ emulator: EmulatorHarness, _ args: [String]) throws {
        out = emulator.root.appendingPathComponent("session.stdout")
        err = emulator.root.appendingPathComponent("session.stderr")
        try Data().write(to: out)
        try Data().write(to: err)
        process.executableURL = try TestPaths.wizard
        process.arguments = ["session", "--workspace", emulator.workspace.path] + args
        process.environment = emulator.environment
        process.currentDirectoryURL = emulator.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try Spawn.start(process)
    }

    var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// The first match of `regex` in stdout, waiting up to `seconds` for it.
    func waitFor<Output>(_ regex: Regex<Output>, seconds: Double = 60) async throws -> Output {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let match = stdout.firstMatch(of: regex) { return match.output }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EmulatorError("no match in session's output after \(seconds) s:\n\(stdout)\n\(stderr)")
    }

    /// Waits until `text` occurs `count` times in stdout.
    func waitForCount(of text: String, _ count: Int, seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stdout.components(separatedBy: text).count - 1 >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EmulatorError("'\(text)' not \(count) times in session's output after \(seconds) s:\n\(stdout)\n\(stderr)")
    }

    /// SIGINT, as Ctrl-C sends it; the exit status (nil if it did not end within 20 s).
    func interrupt() async throws -> Int32? {
        process.interrupt()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill() {
        if process.isRunning { process.terminate() }
    }
}
