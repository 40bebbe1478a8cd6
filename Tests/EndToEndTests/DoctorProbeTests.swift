import Foundation
import TestKit
import XCTest

/// doctor's in-pod probe (Resources/doctor_probe.py) run for real with python3 against a local stand-in for the
/// metadata server and Cloud Storage (Support/probe_server.py): the JSON line doctor decides on, in each case.
final class DoctorProbeTests: XCTestCase {
    private func probe(mode: String, tries: Int = 2) throws -> [String: Any] {
        let python = try RequiredTool.path("python3", for: "the doctor probe test")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = [TestPaths.support.appendingPathComponent("probe_server.py").path, mode, "60"]
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try server.run()
        defer { server.terminate() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableDataLine(), as: UTF8.self)
        let port = try XCTUnwrap(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "server port: \(portLine)")

        let script = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Resources/doctor_probe.py"), encoding: .utf8)
        let env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "GCE_METADATA_HOST": "127.0.0.1:\(port)",
                   "STORAGE_EMULATOR_HOST": "http://127.0.0.1:\(port)", "NO_PROXY": "*", "no_proxy": "*"]
        let result = try runProcess(python, ["-c", script, "my-bucket", "kuberay-gcs-wizard-doctor-pod.txt", String(tries)], env: env, timeout: 60)
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
}
