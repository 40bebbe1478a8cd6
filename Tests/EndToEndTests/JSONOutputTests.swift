import Foundation
import SetupPlan
import TestKit
import Testing

/// `apply` and `resume` with `--output json` as a CI job reads them: every line of standard output is one JSON
/// object, with what a log needs to say what ran, what failed, why, where the log is and how to continue.
@Suite struct JSONOutputTests {
    private func events(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func testAFailedApplyThenResumeAsJSONLines() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("json")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            try world.failBucketCreate(true)
            let workspace = root.appendingPathComponent("ws")
            let sets = ["project=demo-project", "bucket.name=my-bucket"]
            let plan = PlanBuilder.build(try AnswersFile.load(yaml: "", overrides: sets), checkScript: "")
            let wizard = try TestPaths.wizard.path

            let failed = try runProcess(wizard, ["apply", "--yes", "--output", "json", "--workspace", workspace.path]
                                            + sets.flatMap { ["--set", $0] }, env: world.environment)
            #expect(failed.status == 1, "\(failed.stderr)")
            let first = try events(failed.stdout)
            for event in first {
                #expect(event["event"] as? String != nil, "\(event)")
                #expect(ISO8601DateFormatter().date(from: event["time"] as? String ?? "") != nil, "\(event)")
            }
            // The run starts at once; preflight's checks (one event each) and its verdict come once the first checks
            // are done, before the API enablement (every read answered) and any later step starts.
            #expect(first.first?["event"] as? String == "run-started")
            #expect(first.first?["steps"] as? Int == plan.steps.count)
            let gate = try #require(first.firstIndex { $0["event"] as? String == "preflight-check" }, "\(first)")
            let preflight = first[gate...].prefix { ($0["event"] as? String)?.hasPrefix("preflight-") == true }
            #expect(preflight.last?["event"] as? String == "preflight-finished")
            #expect(preflight.last?["passed"] as? Bool == true, "\(preflight)")
            let apis = (plan.steps.firstIndex { $0.id == .enableAPIs } ?? -1) + 1
            let startedBefore = first[..<gate].filter { $0["event"] as? String == "step-started" }.compactMap { $0["index"] as? Int }
            #expect(startedBefore == Array(1..<apis), "only the steps before the API enablement start before the gate: \(startedBefore)")
            #expect(!first[(gate + preflight.count)...].contains { ($0["event"] as? String)?.hasPrefix("preflight-") == true })
            let failure = try #require(first.first { $0["event"] as? String == "step-failed" })
            #expect(failure["step"] as? String == "create-bucket")
            #expect(failure["index"] as? Int == (plan.steps.firstIndex { $0.id == .createBucket } ?? -1) + 1)
            #expect(failure["exitCode"] as? Int == 1)
            let hint = try #require(failure["hint"] as? [String: String])
            #expect(hint["summary"]?.contains("storage.buckets.create") == true, "\(hint)")
            #expect(!(hint["fix"]?.isEmpty ?? true))
            #expect((failure["stderrTail"] as? [String])?.contains { $0.contains("HTTPError 403") } == true, "\(failure)")
            let log = try #require(failure["log"] as? String)
            #expect(FileManager.default.fileExists(atPath: log), "\(log)")
            #expect(failure["resume"] as? String == "kuberay-gcs-wizard resume --workspace \(workspace.path)")
            #expect(first.last?["event"] as? String == "run-finished")
            #expect(first.last?["result"] as? String == "failed")
            #expect(first.last?["resume"] as? String == failure["resume"] as? String)
            // The failing command's output lines are in the log too, marked by stream.
            #expect(first.contains { $0["event"] as? String == "output" && $0["step"] as? String == "create-bucket"
                    && $0["stream"] as? String == "stderr" && ($0["line"] as? String)?.contains("HTTPError 403") == true })

            try world.failBucketCreate(false)
            let resumed = try runProcess(wizard, ["resume", "--output", "json", "--workspace", workspace.path], env: world.environment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let second = try events(resumed.stdout)
            let earlier = try #require(second.first?["earlier"] as? [[String: String]])
            #expect(earlier.contains { $0["step"] == "check-gcloud" && $0["status"] == "done" }, "\(earlier)")
            #expect(earlier.contains { $0["step"] == "create-bucket" && $0["status"] == "failed" }, "\(earlier)")
            let finished = second.filter { $0["event"] as? String == "step-finished" }.compactMap { $0["step"] as? String }
            #expect(finished.contains("create-bucket"), "\(finished)")
            #expect(!(finished.contains("check-project")), "a step done before is not run again")
            let verify = try #require(second.first { $0["event"] as? String == "step-finished" && $0["step"] as? String == "verify-bucket" })
            // What the check printed: a line per Ray node, then the summary.
            #expect((verify["result"] as? String)?.split(separator: "\n").last?.hasPrefix("head ok") == true, "\(verify)")
            #expect(second.last?["event"] as? String == "run-finished")
            #expect(second.last?["result"] as? String == "succeeded")
            #expect(second.last?["resume"] == nil)
        }
    }

    @Test func testDestroyAsJSONLinesHasOnlyTheRunsEvents() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("json-destroy")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let workspace = root.appendingPathComponent("ws").path
            let wizard = try TestPaths.wizard.path
            let applied = try runProcess(wizard, ["apply", "--yes", "--set", "project=demo-project", "--set", "bucket.name=my-bucket",
                                                  "--workspace", workspace], env: world.environment)
            #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
            let result = try runProcess(wizard, ["destroy", "--yes", "--output", "json", "--workspace", workspace], env: world.environment)
            // No preview: every line of standard output is an event of the destroy run.
            let lines = try events(result.stdout)
            #expect(lines.first?["event"] as? String == "run-started", "\(result.stdout)")
            #expect(lines.last?["event"] as? String == "run-finished", "\(result.stdout)")
            let outcome = lines.last?["result"] as? String
            #expect(result.status == (outcome == "succeeded" ? 0 : 1), "\(result.stderr)")
            for failure in lines where failure["event"] as? String == "step-failed" {
                #expect(failure["resume"] as? String == "kuberay-gcs-wizard resume --workspace \(workspace)")
                #expect(FileManager.default.fileExists(atPath: failure["log"] as? String ?? ""), "\(failure)")
            }
        }
    }

    @Test func testDoctorAsJSONLinesOneCheckALineThenTheVerdict() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("json-doctor")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let result = try runProcess(try TestPaths.wizard.path, ["doctor", "--output", "json", "--no-exec", "--set", "project=demo-project",
                                                                    "--set", "bucket.name=my-bucket"], env: world.environment, timeout: 120)
            let lines = try events(result.stdout)
            let checks = lines.dropLast()
            #expect(!(checks.isEmpty), "\(result.stdout + result.stderr)")
            for check in checks {
                #expect(check["event"] as? String == "check", "\(check)")
                #expect(check["id"] as? String != nil)
                #expect(["ok", "broken", "skipped"].contains(check["status"] as? String ?? ""), "\(check)")
                #expect(ISO8601DateFormatter().date(from: check["time"] as? String ?? "") != nil, "\(check)")
            }
            let verdict = try #require(lines.last)
            #expect(verdict["event"] as? String == "doctor-finished")
            let broken = checks.filter { $0["status"] as? String == "broken" }.compactMap { $0["id"] as? String }
            #expect(verdict["broken"] as? [String] == broken)
            #expect(verdict["healthy"] as? Bool == broken.isEmpty)
            #expect(result.status == (broken.isEmpty ? 0 : 1), "\(result.stderr)")
        }
    }

    @Test func testJSONApplyInATerminalStillNeedsYesAndAsksNothing() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("json-yes")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let program = try PTYProgram([try TestPaths.wizard.path, "apply", "--output", "json", "--set", "project=demo-project",
                                          "--set", "bucket.name=my-bucket", "--workspace", root.appendingPathComponent("ws").path],
                                         environment: world.environment)
            #expect(try program.waitForExit(timeout: 30) == 2)
            #expect(program.text.contains("error: --output json runs without asking: add --yes"), "\(program.text)")
            #expect(!(program.text.contains("Proceed?")), "\(program.text)")
            #expect(world.calls() == [], "nothing ran")
        }
    }
}
