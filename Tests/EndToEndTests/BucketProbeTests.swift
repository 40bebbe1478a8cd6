import Foundation
import TestKit
import XCTest

/// The bucket probe (Resources/bucket_probe.py) run for real with python3 against a local stand-in for the
/// metadata server and Cloud Storage (Support/probe_server.py): the JSON line doctor decides on (`pod`), and the
/// per-node lines of the setup's check (`nodes`, with a stand-in `ray` package, Support/fake_ray) in each case.
final class BucketProbeTests: XCTestCase {
    /// Runs the probe with `args` against a probe server in `mode` (its bucket's objects the files in `mount`).
    private func run(mode: String, _ args: [String], mount: URL? = nil, env extra: [String: String] = [:]) throws -> ProcessResult {
        guard let python = Spawn.which("python3") else { throw XCTSkip("python3 is not installed") }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = [TestPaths.support.appendingPathComponent("probe_server.py").path, mode, "60"] + (mount.map { [$0.path] } ?? [])
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try server.run()
        defer { server.terminate() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableDataLine(), as: UTF8.self)
        let port = try XCTUnwrap(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "server port: \(portLine)")

        let script = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Resources/bucket_probe.py"), encoding: .utf8)
        let env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "GCE_METADATA_HOST": "127.0.0.1:\(port)",
                   "STORAGE_EMULATOR_HOST": "http://127.0.0.1:\(port)", "NO_PROXY": "*", "no_proxy": "*",
                   "PYTHONPATH": TestPaths.support.appendingPathComponent("fake_ray").path].merging(extra) { $1 }
        return try runProcess(python, ["-c", script] + args, env: env, timeout: 60)
    }

    private func probe(mode: String, tries: Int = 2) throws -> [String: Any] {
        let result = try run(mode: mode, ["pod", "my-bucket", "kuberay-gcs-wizard-doctor-pod.txt", String(tries)])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "not one JSON line: \(result.stdout)")
    }

    private func status(_ report: [String: Any], _ step: String) -> Int? { (report[step] as? [String: Any])?["status"] as? Int }

    func testHealthyPodWritesReadsBackAndDeletes() throws {
        let report = try probe(mode: "healthy")
        XCTAssertEqual(report["identity"] as? String, "my-iam-sa@demo-project.iam.gserviceaccount.com")
        XCTAssertEqual(status(report, "write"), 200)
        XCTAssertEqual(status(report, "read"), 200)
        XCTAssertEqual((report["read"] as? [String: Any])?["matches"] as? Bool, true)
        XCTAssertEqual(status(report, "delete"), 204)
    }

    func testMetadataServerDownIsAskedAgainThenReported() throws {
        let started = Date()
        let report = try probe(mode: "metadata-down", tries: 2)
        XCTAssertEqual(report["metadata_error"] as? String, "HTTP 503")
        XCTAssertNil(report["identity"])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 2, "waits between tries")
    }

    func testRefusedTokenAndRefusedWriteAreReportedWithTheServersWords() throws {
        let token = try probe(mode: "token-denied")
        XCTAssertEqual(token["identity"] as? String, "my-iam-sa@demo-project.iam.gserviceaccount.com")
        XCTAssertTrue((token["token_error"] as? String ?? "").contains("getAccessToken"), "\(token)")
        XCTAssertNil(token["write"])

        let write = try probe(mode: "write-denied")
        XCTAssertEqual(status(write, "write"), 403)
        XCTAssertTrue(((write["write"] as? [String: Any])?["error"] as? String ?? "").contains("storage.objects.create"), "\(write)")
        XCTAssertNil(write["read"], "nothing to read after a refused write")

        let delete = try probe(mode: "no-delete")
        XCTAssertEqual(status(delete, "read"), 200)
        XCTAssertEqual(status(delete, "delete"), 403)
    }

    /// Three Ray nodes (head, two workers) for the `nodes` mode; `dead` names one whose task cannot be placed.
    private func nodes(dead: String? = nil) -> [String: String] {
        let list = [("n1", "headgroup", "raycluster-mini-head-x7k2p"), ("n2", "workers", "raycluster-mini-workers-worker-9qz4d"),
                    ("n3", "gpu", "raycluster-mini-gpu-worker-a1b2c")]
        let json = list.map { #"{"NodeID": "\#($0.0)", "group": "\#($0.1)", "pod": "\#($0.2)"\#($0.2 == dead ? #", "dead": true"# : "")}"# }
        return ["FAKE_RAY_NODES": "[" + json.joined(separator: ", ") + "]"]
    }

    func testEveryNodeWritesReadsBackAndDeletesItsObject() throws {
        let result = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), [
            "headgroup raycluster-mini-head-x7k2p ok", "gpu raycluster-mini-gpu-worker-a1b2c ok",
            "workers raycluster-mini-workers-worker-9qz4d ok", "head ok, gpu-a1b2c ok, workers-9qz4d ok",
        ])
        XCTAssertEqual(result.stderr, "")
    }

    func testAFailedNodeIsNamedWithTheServersWordsAndTheRunFails() throws {
        let denied = try run(mode: "write-denied", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
        XCTAssertEqual(denied.status, 1)
        XCTAssertTrue(denied.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: write: HTTP 403: "
            + "my-iam-sa@demo-project.iam.gserviceaccount.com does not have storage.objects.create access"), denied.stdout)
        XCTAssertTrue(denied.stdout.hasSuffix("head failed, gpu-a1b2c failed, workers-9qz4d failed\n"), denied.stdout)
        XCTAssertTrue(denied.stderr.contains("headgroup raycluster-mini-head-x7k2p failed: write: HTTP 403"), denied.stderr)

        let token = try run(mode: "token-denied", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
        XCTAssertEqual(token.status, 1)
        XCTAssertTrue(token.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: no token for my-iam-sa@demo-project.iam.gserviceaccount.com: "
            + "HTTP 403: Permission 'iam.serviceAccounts.getAccessToken' denied"), token.stdout)

        let lost = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"],
                           env: nodes(dead: "raycluster-mini-gpu-worker-a1b2c"))
        XCTAssertEqual(lost.status, 1)
        XCTAssertTrue(lost.stdout.contains("unknown raycluster-mini-gpu-worker-a1b2c failed: RayTaskError: The node was dead"), lost.stdout)
        XCTAssertTrue(lost.stdout.contains("headgroup raycluster-mini-head-x7k2p ok"), lost.stdout)
    }

    /// With the bucket mounted at the path (the server's objects are the files there) both ways work; without a
    /// mount there, the file stays on the local disk and each way fails with what the program sees.
    func testTheMountIsCheckedBothWays() throws {
        let folder = try TestPaths.temporaryFolder(self, "probe-mount")
        let mounted = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-mount-check", "Hello", folder.path],
                              mount: folder, env: nodes())
        XCTAssertEqual(mounted.status, 0, mounted.stdout + mounted.stderr)
        XCTAssertTrue(mounted.stdout.hasSuffix("head ok, gpu-a1b2c ok, workers-9qz4d ok\n"), mounted.stdout)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("kuberay-gcs-wizard-mount-check").path)
        XCTAssertEqual(written, [], "every test object is deleted once checked, the mount's pair too")

        let local = try TestPaths.temporaryFolder(self, "probe-no-mount")
        let unmounted = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-mount-check", "Hello", local.path], env: nodes())
        XCTAssertEqual(unmounted.status, 1)
        XCTAssertTrue(unmounted.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: written through the mount, read through the API: "
            + "HTTP 404: No such object"), unmounted.stdout)
    }
}
