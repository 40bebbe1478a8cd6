import Foundation
import RunModel
import SetupPlan
@testable import SetupRunner
import Synchronization
import XCTest

/// The port-forward engine against a fake `kubectl port-forward` (Python: it listens on the local ports of its
/// argv, answers HTTP, and behaves as `FAKE_PF_RUNS` says run after run): a port kubectl cannot listen on, a drop
/// and the reconnect, a first run that fails, and a stop that leaves no process.
final class PortForwardRunnerTests: XCTestCase {
    static let fake = #"""
    #!/usr/bin/python3
    import http.server, os, socket, sys, threading, time
    state = os.environ["FAKE_STATE"]
    with open(os.path.join(state, "runs"), "a+") as f:
        f.seek(0)
        run = len(f.read().splitlines())
        f.write("%d %s\n" % (os.getpid(), " ".join(sys.argv[1:])))
    behaviour = (os.environ["FAKE_PF_RUNS"].split(",") + ["serve"] * 99)[run]
    if behaviour == "notfound":
        print('Error from server (NotFound): services "ml-head-svc" not found', file=sys.stderr)
        sys.exit(1)
    ports = [int(a.split(":")[0]) for a in sys.argv[1:] if ":" in a and a.split(":")[0].isdigit()]
    class Dashboard(http.server.BaseHTTPRequestHandler):
        asked = 0
        def do_GET(self):
            Dashboard.asked += 1
            if behaviour == "mute" or (behaviour == "slowonce" and Dashboard.asked == 1):
                time.sleep(1 if behaviour == "slowonce" else 3600)
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers()
        def log_message(self, *a): pass
    for i, port in enumerate(ports):
        if behaviour == "busy" and i == 0:
            print("Unable to listen on port %d: Listeners failed to create with the following errors: "
                  "[unable to create listener: Error listen tcp4 127.0.0.1:%d: bind: address already in use]" % (port, port),
                  file=sys.stderr, flush=True)
            continue
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Dashboard)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print("Forwarding from 127.0.0.1:%d -> 1" % port, flush=True)
    if behaviour == "drop":
        time.sleep(0.5)
        print("error: lost connection to pod", file=sys.stderr, flush=True)
        sys.exit(1)
    time.sleep(3600)
    """#

    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pf-runner-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let kubectl = root.appendingPathComponent("bin/kubectl")
        try Self.fake.write(to: kubectl, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    private func runner(_ runs: String, firstLocal: [Int], checkEvery: Double = 60) -> PortForwardRunner {
        var answers = Answers()
        answers.ray.clusterName = "ml"
        var options = PortForwardRunner.Options(firstLocal: firstLocal)
        options.environment = ["PATH": root.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                               "FAKE_STATE": root.path, "FAKE_PF_RUNS": runs]
        options.backoff = 0.2
        options.checkInterval = checkEvery
        options.checkTimeout = min(0.5, checkEvery)
        return PortForwardRunner(forward: PortForward(answers), options: options, logPath: root.appendingPathComponent("session.log").path)
    }

    /// The pids and argv of the fake's runs.
    private func runs() -> [(pid: pid_t, argv: String)] {
        let text = (try? String(contentsOf: root.appendingPathComponent("runs"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return (pid_t(parts[0]) ?? 0, parts.count > 1 ? String(parts[1]) : "")
        }
    }

    private static func freePorts() throws -> (Int, Int) {
        for _ in 0..<50 {
            let base = Int.random(in: 20000...60000)
            if (base..<(base + 12)).allSatisfy(LocalPort.isFree) { return (base, base + 11) }
        }
        throw XCTSkip("no free ports")
    }

    func testABusyPortIsSkippedADropReconnectsAndStopLeavesNoProcess() async throws {
        let (dashboard, client) = try Self.freePorts()
        let runner = runner("busy,drop,serve", firstLocal: [dashboard, client])
        let events = Mutex<[ForwardEvent]>([])
        let task = Task { await runner.run { event in events.withLock { $0.append(event) } } }
        let deadline = Date().addingTimeInterval(30)
        while events.withLock({ $0.filter { if case .forwarding(_, true) = $0 { true } else { false } }.count }) < 1 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let answered = await LocalPort.answersHTTP(dashboard + 1, timeout: 5)
        XCTAssertTrue(answered, "the dashboard answers on the port used")
        runner.cancel()
        let end = await task.value
        XCTAssertEqual(end, .stopped)
        let seen = events.withLock { $0 }
        XCTAssertEqual(seen.first, .portTaken(name: "dashboard", wanted: dashboard, using: dashboard + 1), "\(seen)")
        XCTAssertEqual(seen.dropFirst().first, .forwarding(local: [dashboard + 1, client], again: false), "\(seen)")
        XCTAssertTrue(seen.contains(.dropped(reason: "error: lost connection to pod (kubectl exited with status 1)", retryIn: 0.2)), "\(seen)")
        XCTAssertEqual(seen.last, .forwarding(local: [dashboard + 1, client], again: true), "\(seen)")
        let all = runs()
        XCTAssertEqual(all.count, 3, "\(all)")
        XCTAssertTrue(all[0].argv.contains("\(dashboard):8265") && all[1].argv.contains("\(dashboard + 1):8265"), "\(all)")
        XCTAssertTrue(all.allSatisfy { $0.argv.hasSuffix("--context \(Answers().kubeContext)") }, "\(all)")
        for run in all { XCTAssertNotEqual(kill(run.pid, 0), 0, "run \(run.pid) is gone") }
        let afterStop = await LocalPort.answersHTTP(dashboard + 1, timeout: 1)
        XCTAssertFalse(afterStop, "nothing listens after the stop")
    }

    /// One check the dashboard is too slow for is forgiven; two in a row end the forward, which starts again.
    func testOneSlowAnswerIsForgivenAndTwoSilentChecksInARowReconnect() async throws {
        let (dashboard, client) = try Self.freePorts()
        let runner = runner("slowonce,mute,serve", firstLocal: [dashboard, client], checkEvery: 0.5)
        let events = Mutex<[ForwardEvent]>([])
        let task = Task { await runner.run { event in events.withLock { $0.append(event) } } }
        let deadline = Date().addingTimeInterval(60)
        // The slow run stays up through its slow answer and the checks after it.
        while runs().count < 1 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .seconds(4))
        XCTAssertEqual(runs().count, 1, "one slow answer does not drop the forward: \(events.withLock { $0 })")
        // Stopping that run by hand moves on to the silent one: it is dropped after two checks, then reconnects.
        kill(runs()[0].pid, SIGTERM)
        while events.withLock({ $0.filter { if case .forwarding = $0 { true } else { false } }.count }) < 3 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        runner.cancel()
        _ = await task.value
        let seen = events.withLock { $0 }
        XCTAssertTrue(seen.contains(.dropped(reason: "the dashboard did not answer through the forward in 2 checks in a row (0.5s each)", retryIn: 0.2)),
                      "\(seen)")
        XCTAssertEqual(runs().count, 3, "\(runs())")
    }

    func testAFirstRunThatFailsEndsWithKubectlsReason() async throws {
        let (dashboard, client) = try Self.freePorts()
        let end = await runner("notfound", firstLocal: [dashboard, client]).run { _ in }
        XCTAssertEqual(end, .failed(reason: "Error from server (NotFound): services \"ml-head-svc\" not found (kubectl exited with status 1)",
                                    exitCode: 1))
    }

    func testEveryPortOfTheRangeTakenEndsNamingIt() async throws {
        let (dashboard, client) = try Self.freePorts()
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for port in dashboard..<(dashboard + PortForward.portsTried) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            _ = listen(fd, 1)
            held.append(fd)
        }
        let end = await runner("serve", firstLocal: [dashboard, client]).run { _ in }
        XCTAssertEqual(end, .noFreePort(name: "dashboard", first: dashboard, last: dashboard + PortForward.portsTried - 1))
        XCTAssertTrue(runs().isEmpty, "kubectl is not started")
    }
}
