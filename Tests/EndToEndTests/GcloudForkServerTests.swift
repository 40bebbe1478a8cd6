import Foundation
import TestKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fork server (`GcloudForkServer`) stands in for the installed gcloud launcher: the same exit codes and output on
/// the caller's own descriptors, the caller's environment, folder and stdin, and a gcloud stopped by a signal to the
/// caller's process group. Each result is compared with the launcher's where the launcher is cheap to run.
@Suite struct GcloudForkServerTests {
    /// A hermetic environment for gcloud in `dir`, naming the fork server, which must run every call.
    private static func environment(_ dir: URL, _ server: GcloudForkServer) -> [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": dir.path, "LANG": "C.UTF-8",
         "CLOUDSDK_CONFIG": dir.appendingPathComponent("gcloud").path, "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
         "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "1", "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
         "CLOUDSDK_SURVEY_DISABLE_PROMPTS": "1", GcloudForkServer.environmentVariable: server.socket,
         // Forked or failed: never handed back to the launcher.
         "KGW_GCLOUD_FORKSERVER_STRICT": "1"]
    }

    @Test func testExitCodesAndOutputMatchTheLauncher() async throws {
        let launcher = try RequiredTool.path("gcloud", for: "the fork server test")
        let server = try GcloudForkServer.shared()
        let dir = try TestPaths.newTemporaryFolder("gcloud-fork")
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = Self.environment(dir, server)
        env["CLOUDSDK_CORE_PROJECT"] = "demo-project"
        let cases: [(args: [String], status: Int32, output: String)] = [
            (["config", "get-value", "project"], 0, "demo-project"),
            (["config", "get-value", "nosuchsection/name"], 1, "Section \"nosuchsection\" does not exist"),
            (["container", "clusters", "list", "--bogus"], 2, "unrecognized arguments: --bogus"),
        ]
        let environment = env
        for c in cases {
            let forked = try await offThePool { try runProcess(GcloudForkServer.client.path, c.args, env: environment, cwd: dir, timeout: 120) }
            let plain = try await offThePool { try runProcess(launcher, c.args, env: environment, cwd: dir, timeout: 120) }
            let command = "gcloud " + c.args.joined(separator: " ")
            #expect(forked.status == c.status, "\(command): \(forked.stderr)")
            #expect((forked.stdout + forked.stderr).contains(c.output), "\(command): \(forked.stdout)\(forked.stderr)")
            #expect(forked.status == plain.status && forked.stdout == plain.stdout && forked.stderr == plain.stderr,
                    "\(command) differs from the launcher:\n\(forked)\n\(plain)")
        }
    }

    @Test func testEachCallHasItsCallersEnvironmentFolderAndStdin() async throws {
        let server = try GcloudForkServer.shared()
        let dir = try TestPaths.newTemporaryFolder("gcloud-fork-env")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = Self.environment(dir, server)
        // Two calls at once, each with its own project.
        let projects = ["first-project", "second-project"]
        let results = try await offThePool {
            nonisolated(unsafe) var results = [ProcessResult?](repeating: nil, count: projects.count)
            DispatchQueue.concurrentPerform(iterations: projects.count) { i in
                var env = base
                env["CLOUDSDK_CORE_PROJECT"] = projects[i]
                results[i] = try? runProcess(GcloudForkServer.client.path, ["config", "get-value", "project"], env: env, cwd: dir, timeout: 120)
            }
            return results
        }
        for (i, result) in results.enumerated() {
            #expect(result?.status == 0 && result?.stdout == projects[i] + "\n", "\(String(describing: result))")
        }
        // A flags file named relative to the caller's folder.
        let folder = dir.appendingPathComponent("here")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "--project: from-the-callers-folder\n".write(to: folder.appendingPathComponent("flags.yaml"), atomically: true, encoding: .utf8)
        let relative = try await offThePool {
            try runProcess(GcloudForkServer.client.path, ["config", "get-value", "project", "--flags-file=flags.yaml"], env: base, cwd: folder, timeout: 120)
        }
        #expect(relative.status == 0 && relative.stdout == "from-the-callers-folder\n", "\(relative)")
        // A key read from stdin: gcloud parses what the caller piped (a key without its private key).
        let key = #"{"type": "service_account", "client_email": "someone@demo-project.iam.gserviceaccount.com"}"#
        let piped = try await offThePool {
            try runProcess(GcloudForkServer.client.path, ["auth", "activate-service-account", "--key-file=-"], stdin: key, env: base, cwd: dir, timeout: 120)
        }
        #expect(piped.status == 1 && piped.stderr.contains("The private_key field was not found"), "\(piped)")
    }

    @Test func testSigtermToTheCallersProcessGroupStopsTheForkedGcloud() async throws {
        let server = try GcloudForkServer.shared()
        let dir = try TestPaths.newTemporaryFolder("gcloud-fork-signal")
        defer { try? FileManager.default.removeItem(at: dir) }
        // An endpoint that accepts connections (the kernel's backlog) and never answers: gcloud waits on it.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        var env = Self.environment(dir, server)
        let token = dir.appendingPathComponent("token")
        try "test-token".write(to: token, atomically: true, encoding: .utf8)
        env["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"] = token.path
        env["CLOUDSDK_CORE_PROJECT"] = "demo-project"
        env["CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER"] = "http://127.0.0.1:\(port)/"
        let output = dir.appendingPathComponent("output")

        // The client in a process group of its own, as the wizard starts a step; its output in a file of this test's,
        // by which the forked gcloud is told from other tests' calls.
        let client = Spawn.launch([GcloudForkServer.client.path, "container", "clusters", "list"], environment: env,
                                  output: output.path, append: false, newSession: true)
        try #require(client > 0)
        let forked = { Self.children(of: server.pid).filter { Self.writes(to: output, pid: $0) } }
        var deadline = Date().addingTimeInterval(60)
        while forked().isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let child = try #require(forked().first, "no forked gcloud for the call")
        // Still waiting on the endpoint a second later.
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(kill(child, 0) == 0)

        kill(-client, SIGTERM)
        var status: Int32 = 0
        deadline = Date().addingTimeInterval(30)
        while waitpid(client, &status, WNOHANG) == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let ended = kill(client, 0) != 0
        deadline = Date().addingTimeInterval(10)
        while kill(child, 0) == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let childEnded = kill(child, 0) != 0
        if !ended || !childEnded {
            kill(child, SIGKILL)
            kill(-client, SIGKILL)
            _ = Spawn.wait(client)
        }
        #expect(ended, "the client still runs 30 s after SIGTERM to its process group")
        #expect(childEnded, "the forked gcloud \(child) still runs")
        // Killed by SIGTERM, as the launcher would be.
        #expect(ended && status & 0x7f == SIGTERM, "wait status \(status)")
    }

    /// The pids whose parent is `parent`.
    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == parent
        }
    }

    /// Whether `pid`'s stdout is `file`.
    private static func writes(to file: URL, pid: pid_t) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/1")) == file.path
    }
}
