import Foundation
import TestKit
#if canImport(Glibc)
import Glibc
#endif

/// The fork server of the installed gcloud (Support/gcloud-forkserver.py), one per test process, started on first use
/// and ended at exit. It imports gcloud once, in the interpreter and environment the launcher uses, and forks a child
/// per call: a call costs about a tenth of the CPU of a gcloud start. `gcloud` on a harness's PATH is a link to its
/// client (Support/gcloud-fork), which runs the real launcher whenever the server cannot stand in for it.
final class GcloudForkServer: Sendable {
    /// The UNIX socket the client connects to, named by `environmentVariable`.
    let socket: String
    /// The server's pid: the parent of every forked gcloud.
    let pid: pid_t
    /// The server's log (what it prints, and every call it hands back to the launcher).
    let log: URL
    private let folder: URL

    /// The variable that names the socket to the client.
    static let environmentVariable = "KGW_GCLOUD_FORKSERVER"
    /// The client, which a `gcloud` on PATH links to.
    static let client = TestPaths.support.appendingPathComponent("gcloud-fork")
    static let script = TestPaths.support.appendingPathComponent("gcloud-forkserver.py")

    /// `KGW_GCLOUD_FORKSERVER_OFF=1` runs every test's gcloud through the installed launcher (to compare, or to rule
    /// the fork server out).
    static let off = ProcessInfo.processInfo.environment["KGW_GCLOUD_FORKSERVER_OFF"] == "1"

    /// The server of this test process, started on first use (a failure is kept: every caller sees it).
    static func shared() throws -> GcloudForkServer { try started.get() }

    private static let started: Result<GcloudForkServer, Error> = Result {
        let server = try GcloudForkServer(gcloud: try RequiredTool.path("gcloud", for: "the gcloud fork server"))
        running = server
        atexit { GcloudForkServer.running?.stop() }
        return server
    }
    nonisolated(unsafe) private static var running: GcloudForkServer?

    /// Starts a server for the launcher at `gcloud` and waits until it accepts calls. Its environment has only what
    /// the interpreter reads as it starts (PATH, LANG as the harnesses set it) and a configuration folder of its own:
    /// importing gcloud reads and creates one.
    init(gcloud: String) throws {
        folder = try TestPaths.newTemporaryFolder("gcloud-forkserver")
        let home = folder.appendingPathComponent("home"), config = folder.appendingPathComponent("gcloud")
        for dir in [home, config] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        // A short path: a UNIX socket's is limited to 108 bytes.
        socket = "/tmp/kgw-gcloud-\(getpid()).sock"
        log = folder.appendingPathComponent("forkserver.log")
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
                           "CLOUDSDK_CONFIG": config.path, "LANG": "C.UTF-8"]
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : try RequiredTool.path("python3", for: "the gcloud fork server")
        pid = Spawn.launch([python, "-I", Self.script.path, "--launcher", gcloud, "--socket", socket, "--max-lifetime", "14400"],
                           environment: environment, output: log.path, append: true)
        guard pid > 0 else { throw EmulatorError("could not start \(Self.script.path)") }
        // The socket appears once the server listens, after gcloud's import: seconds, more on a loaded machine.
        let deadline = Date().addingTimeInterval(180)
        while !FileManager.default.fileExists(atPath: socket) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || Date() > deadline {
                kill(pid, SIGKILL)
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw EmulatorError("the gcloud fork server did not start:\n\(output)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Ends the server (a call in progress runs on in its own child) and removes its folder; its log is kept at
    /// `KGW_GCLOUD_FORKSERVER_LOG` when that is set.
    func stop() {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
        if let keep = ProcessInfo.processInfo.environment["KGW_GCLOUD_FORKSERVER_LOG"] {
            try? FileManager.default.removeItem(atPath: keep)
            try? FileManager.default.copyItem(at: log, to: URL(fileURLWithPath: keep))
        }
        try? FileManager.default.removeItem(atPath: socket)
        try? FileManager.default.removeItem(at: folder)
    }
}
