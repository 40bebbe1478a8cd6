import Foundation
import TestKit
import Testing

/// The bucket probe (Resources/bucket_probe.py) run for real with python3 against a local stand-in for the
/// metadata server and Cloud Storage (Support/probe_server.py): the JSON line doctor decides on (`pod`), and the
/// per-node lines of the setup's check (`nodes`, with a stand-in `ray` package, Support/fake_ray) in each case.
@Suite struct BucketProbeTests {
    /// Runs the probe with `args` against a probe server in `mode` (its bucket's objects the files in `mount`).
    private func run(mode: String, _ args: [String], mount: URL? = nil, env extra: [String: String] = [:]) throws -> ProcessResult {
        let python = try RequiredTool.path("python3", for: "the bucket probe test")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = [TestPaths.support.appendingPathComponent("probe_server.py").path, mode, "60"] + (mount.map { [$0.path] } ?? [])
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try Spawn.start(server)
        defer { server.terminate() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableDataLine(), as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "server port: \(portLine)")

        let script = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Resources/bucket_probe.py"), encoding: .utf8)
        let env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "GCE_METADATA_HOST": "127.0.0.1:\(port)",
                   "STORAGE_EMULATOR_HOST": "http://127.0.0.1:\(port)", "NO_PROXY": "*", "no_proxy": "*",
                   "PYTHONPATH": TestPaths.support.appendingPathComponent("fake_ray").path].merging(extra) { $1 }
        return try runProcess(python, ["-c", script] + args, env: env, timeout: 60)
    }

    private func probe(mode: String, tries: Int = 2) throws -> [String: Any] {
        let result = try run(mode: mode, ["pod", "my-bucket", "kuberay-gcs-wizard-doctor-pod.txt", String(tries)])
        #expect(result.status == 0, "\(result.stderr)")
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "not one JSON line: \(result.stdout)")
    }

    private func status(_ report: [String: Any], _ step: String) -> Int? { (report[step] as? [String: Any])?["status"] as? Int }

    @Test func testHealthyPodWritesReadsBackAndDeletes() async throws {
        try await DedicatedThread.run {
            let report = try probe(mode: "healthy")
            #expect(report["identity"] as? String == "my-iam-sa@demo-project.iam.gserviceaccount.com")
            #expect(status(report, "write") == 200)
            #expect(status(report, "read") == 200)
            #expect((report["read"] as? [String: Any])?["matches"] as? Bool == true)
            #expect(status(report, "delete") == 204)
        }
    }

    @Test func testMetadataServerDownIsAskedAgainThenReported() async throws {
        try await DedicatedThread.run {
            let started = Date()
            let report = try probe(mode: "metadata-down", tries: 2)
            #expect(report["metadata_error"] as? String == "HTTP 503")
            #expect(report["identity"] == nil)
            #expect(Date().timeIntervalSince(started) >= 2, "waits between tries")
        }
    }

    @Test func testRefusedTokenAndRefusedWriteAreReportedWithTheServersWords() async throws {
        try await DedicatedThread.run {
            let token = try probe(mode: "token-denied")
            #expect(token["identity"] as? String == "my-iam-sa@demo-project.iam.gserviceaccount.com")
            #expect((token["token_error"] as? String ?? "").contains("getAccessToken"), "\(token)")
            #expect(token["write"] == nil)

            let write = try probe(mode: "write-denied")
            #expect(status(write, "write") == 403)
            let refusal = (write["write"] as? [String: Any])?["error"] as? String ?? ""
            #expect(refusal.contains("storage.objects.create"), "\(write)")
            #expect(write["read"] == nil, "nothing to read after a refused write")

            let delete = try probe(mode: "no-delete")
            #expect(status(delete, "read") == 200)
            #expect(status(delete, "delete") == 403)
        }
    }

    /// Three Ray nodes (head, two workers) for the `nodes` mode; `dead` names one whose task cannot be placed.
    private func nodes(dead: String? = nil) -> [String: String] {
        let list = [("n1", "headgroup", "raycluster-mini-head-x7k2p"), ("n2", "workers", "raycluster-mini-workers-worker-9qz4d"),
                    ("n3", "gpu", "raycluster-mini-gpu-worker-a1b2c")]
        let json = list.map { #"{"NodeID": "\#($0.0)", "group": "\#($0.1)", "pod": "\#($0.2)"\#($0.2 == dead ? #", "dead": true"# : "")}"# }
        return ["FAKE_RAY_NODES": "[" + json.joined(separator: ", ") + "]"]
    }

    @Test func testEveryNodeWritesReadsBackAndDeletesItsObject() async throws {
        try await DedicatedThread.run {
            let result = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
            #expect(result.status == 0, "\(result.stdout + result.stderr)")
            #expect(result.stdout.split(separator: "\n").map(String.init) == [
                "headgroup raycluster-mini-head-x7k2p ok", "gpu raycluster-mini-gpu-worker-a1b2c ok",
                "workers raycluster-mini-workers-worker-9qz4d ok", "head ok, gpu-a1b2c ok, workers-9qz4d ok",
            ])
            #expect(result.stderr == "")
        }
    }

    @Test func testAFailedNodeIsNamedWithTheServersWordsAndTheRunFails() async throws {
        try await DedicatedThread.run {
            let denied = try run(mode: "write-denied", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
            #expect(denied.status == 1)
            #expect(denied.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: write: HTTP 403: "
                + "my-iam-sa@demo-project.iam.gserviceaccount.com does not have storage.objects.create access"), "\(denied.stdout)")
            #expect(denied.stdout.hasSuffix("head failed, gpu-a1b2c failed, workers-9qz4d failed\n"), "\(denied.stdout)")
            #expect(denied.stderr.contains("headgroup raycluster-mini-head-x7k2p failed: write: HTTP 403"), "\(denied.stderr)")

            let token = try run(mode: "token-denied", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"], env: nodes())
            #expect(token.status == 1)
            #expect(token.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: no token for my-iam-sa@demo-project.iam.gserviceaccount.com: "
                + "HTTP 403: Permission 'iam.serviceAccounts.getAccessToken' denied"), "\(token.stdout)")

            let lost = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-check", "Hello"],
                               env: nodes(dead: "raycluster-mini-gpu-worker-a1b2c"))
            #expect(lost.status == 1)
            #expect(lost.stdout.contains("unknown raycluster-mini-gpu-worker-a1b2c failed: RayTaskError: The node was dead"), "\(lost.stdout)")
            #expect(lost.stdout.contains("headgroup raycluster-mini-head-x7k2p ok"), "\(lost.stdout)")
        }
    }

    /// With the bucket mounted at the path (the server's objects are the files there) both ways work; without a
    /// mount there, the file stays on the local disk and each way fails with what the program sees.
    @Test func testTheMountIsCheckedBothWays() async throws {
        try await DedicatedThread.run {
            let folder = try TestPaths.newTemporaryFolder("probe-mount")
            defer { try? FileManager.default.removeItem(at: folder) }
            let mounted = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-mount-check", "Hello", folder.path],
                                  mount: folder, env: nodes())
            #expect(mounted.status == 0, "\(mounted.stdout + mounted.stderr)")
            #expect(mounted.stdout.hasSuffix("head ok, gpu-a1b2c ok, workers-9qz4d ok\n"), "\(mounted.stdout)")
            let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("kuberay-gcs-wizard-mount-check").path)
            #expect(written == [], "every test object is deleted once checked, the mount's pair too")

            let local = try TestPaths.newTemporaryFolder("probe-no-mount")
            defer { try? FileManager.default.removeItem(at: local) }
            let unmounted = try run(mode: "healthy", ["nodes", "my-bucket", "kuberay-gcs-wizard-mount-check", "Hello", local.path], env: nodes())
            #expect(unmounted.status == 1)
            #expect(unmounted.stdout.contains("headgroup raycluster-mini-head-x7k2p failed: written through the mount, read through the API: "
                + "HTTP 404: No such object"), "\(unmounted.stdout)")
        }
    }
}
