import Foundation
import SetupPlan
import TestKit
import XCTest

/// `apply` and `resume` with `--output json` as a CI job reads them: every line of standard output is one JSON
/// object, with what a log needs to say what ran, what failed, why, where the log is and how to continue.
final class JSONOutputTests: XCTestCase {
    private func events(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func testAFailedApplyThenResumeAsJSONLines() throws {
        let root = try TestPaths.temporaryFolder(self, "json")
        let world = try FakeCloud(root: root)
        try world.failBucketCreate(true)
        let workspace = root.appendingPathComponent("ws")
        let sets = ["project=demo-project", "bucket.name=my-bucket"]
        let plan = PlanBuilder.build(try AnswersFile.load(yaml: "", overrides: sets), checkScript: "")
        let wizard = try TestPaths.wizard.path

        let failed = try runProcess(wizard, ["apply", "--yes", "--output", "json", "--workspace", workspace.path]
                                        + sets.flatMap { ["--set", $0] }, env: world.environment)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        let first = try events(failed.stdout)
        for event in first {
            XCTAssertNotNil(event["event"] as? String, "\(event)")
            XCTAssertNotNil(ISO8601DateFormatter().date(from: event["time"] as? String ?? ""), "\(event)")
        }
        // Preflight's checks come first, one event each, then its verdict, then the run.
        let preflight = first.prefix { ($0["event"] as? String)?.hasPrefix("preflight-") == true }
        XCTAssertEqual(preflight.first?["event"] as? String, "preflight-check")
        XCTAssertEqual(preflight.last?["event"] as? String, "preflight-finished")
        XCTAssertEqual(preflight.last?["passed"] as? Bool, true, "\(preflight)")
        let run = first.dropFirst(preflight.count)
        XCTAssertEqual(run.first?["event"] as? String, "run-started")
        XCTAssertEqual(run.first?["steps"] as? Int, plan.steps.count)
        let failure = try XCTUnwrap(first.first { $0["event"] as? String == "step-failed" })
        XCTAssertEqual(failure["step"] as? String, "create-bucket")
        XCTAssertEqual(failure["index"] as? Int, (plan.steps.firstIndex { $0.id == .createBucket } ?? -1) + 1)
        XCTAssertEqual(failure["exitCode"] as? Int, 1)
        let hint = try XCTUnwrap(failure["hint"] as? [String: String])
        XCTAssertTrue(hint["summary"]?.contains("storage.buckets.create") == true, "\(hint)")
        XCTAssertFalse(hint["fix"]?.isEmpty ?? true)
        XCTAssertTrue((failure["stderrTail"] as? [String])?.contains { $0.contains("HTTPError 403") } == true, "\(failure)")
        let log = try XCTUnwrap(failure["log"] as? String)
        XCTAssertTrue(FileManager.default.fileExists(atPath: log), log)
        XCTAssertEqual(failure["resume"] as? String, "kuberay-gcs-wizard resume --workspace \(workspace.path)")
        XCTAssertEqual(first.last?["event"] as? String, "run-finished")
        XCTAssertEqual(first.last?["result"] as? String, "failed")
        XCTAssertEqual(first.last?["resume"] as? String, failure["resume"] as? String)
        // The failing command's output lines are in the log too, marked by stream.
        XCTAssertTrue(first.contains { $0["event"] as? String == "output" && $0["step"] as? String == "create-bucket"
                && $0["stream"] as? String == "stderr" && ($0["line"] as? String)?.contains("HTTPError 403") == true })

        try world.failBucketCreate(false)
        let resumed = try runProcess(wizard, ["resume", "--output", "json", "--workspace", workspace.path], env: world.environment)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let second = try events(resumed.stdout)
        let earlier = try XCTUnwrap(second.first?["earlier"] as? [[String: String]])
        XCTAssertTrue(earlier.contains { $0["step"] == "check-gcloud" && $0["status"] == "done" }, "\(earlier)")
        XCTAssertTrue(earlier.contains { $0["step"] == "create-bucket" && $0["status"] == "failed" }, "\(earlier)")
        let finished = second.filter { $0["event"] as? String == "step-finished" }.compactMap { $0["step"] as? String }
        XCTAssertTrue(finished.contains("create-bucket"), "\(finished)")
        XCTAssertFalse(finished.contains("check-project"), "a step done before is not run again")
        let verify = try XCTUnwrap(second.first { $0["event"] as? String == "step-finished" && $0["step"] as? String == "verify-bucket" })
        // What the check printed: a line per Ray node, then the summary.
        XCTAssertTrue((verify["result"] as? String)?.split(separator: "\n").last?.hasPrefix("head ok") == true, "\(verify)")
        XCTAssertEqual(second.last?["event"] as? String, "run-finished")
        XCTAssertEqual(second.last?["result"] as? String, "succeeded")
        XCTAssertNil(second.last?["resume"])
    }

    func testDestroyAsJSONLinesHasOnlyTheRunsEvents() throws {
        let root = try TestPaths.temporaryFolder(self, "json-destroy")
        let world = try FakeCloud(root: root)
        let workspace = root.appendingPathComponent("ws").path
        let wizard = try TestPaths.wizard.path
        let applied = try runProcess(wizard, ["apply", "--yes", "--set", "project=demo-project", "--set", "bucket.name=my-bucket",
                                              "--workspace", workspace], env: world.environment)
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        let result = try runProcess(wizard, ["destroy", "--yes", "--output", "json", "--workspace", workspace], env: world.environment)
        // No preview: every line of standard output is an event of the destroy run.
        let lines = try events(result.stdout)
        XCTAssertEqual(lines.first?["event"] as? String, "run-started", result.stdout)
        XCTAssertEqual(lines.last?["event"] as? String, "run-finished", result.stdout)
        let outcome = lines.last?["result"] as? String
        XCTAssertEqual(result.status, outcome == "succeeded" ? 0 : 1, result.stderr)
        for failure in lines where failure["event"] as? String == "step-failed" {
            XCTAssertEqual(failure["resume"] as? String, "kuberay-gcs-wizard resume --workspace \(workspace)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: failure["log"] as? String ?? ""), "\(failure)")
        }
    }

    func testDoctorAsJSONLinesOneCheckALineThenTheVerdict() throws {
        let root = try TestPaths.temporaryFolder(self, "json-doctor")
        let world = try FakeCloud(root: root)
        let result = try runProcess(try TestPaths.wizard.path, ["doctor", "--output", "json", "--no-exec", "--set", "project=demo-project",
                                                                "--set", "bucket.name=my-bucket"], env: world.environment, timeout: 120)
        let lines = try events(result.stdout)
        let checks = lines.dropLast()
        XCTAssertFalse(checks.isEmpty, result.stdout + result.stderr)
        for check in checks {
            XCTAssertEqual(check["event"] as? String, "check", "\(check)")
            XCTAssertNotNil(check["id"] as? String)
            XCTAssertTrue(["ok", "broken", "skipped"].contains(check["status"] as? String ?? ""), "\(check)")
            XCTAssertNotNil(ISO8601DateFormatter().date(from: check["time"] as? String ?? ""), "\(check)")
        }
        let verdict = try XCTUnwrap(lines.last)
        XCTAssertEqual(verdict["event"] as? String, "doctor-finished")
        let broken = checks.filter { $0["status"] as? String == "broken" }.compactMap { $0["id"] as? String }
        XCTAssertEqual(verdict["broken"] as? [String], broken)
        XCTAssertEqual(verdict["healthy"] as? Bool, broken.isEmpty)
        XCTAssertEqual(result.status, broken.isEmpty ? 0 : 1, result.stderr)
    }

    func testJSONApplyInATerminalStillNeedsYesAndAsksNothing() throws {
        let root = try TestPaths.temporaryFolder(self, "json-yes")
        let world = try FakeCloud(root: root)
        let program = try PTYProgram([try TestPaths.wizard.path, "apply", "--output", "json", "--set", "project=demo-project",
                                      "--set", "bucket.name=my-bucket", "--workspace", root.appendingPathComponent("ws").path],
                                     environment: world.environment)
        XCTAssertEqual(try program.waitForExit(timeout: 30), 2)
        XCTAssertTrue(program.text.contains("error: --output json runs without asking: add --yes"), program.text)
        XCTAssertFalse(program.text.contains("Proceed?"), program.text)
        XCTAssertEqual(world.calls(), [], "nothing ran")
    }
}
