import Foundation
import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// Runs of the engine against the fake tools, in this process.
final class SetupRunnerTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    func testWholeRunSucceedsCapturesAndJournals() async throws {
        let plan = FakeTools.plan()
        let observer = RecordingObserver()
        let result = try await fakes.runner(plan).run(mode: .fresh, observer: observer)
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(observer.outcomes.map(\.status), Array(repeating: .done, count: plan.steps.count))
        XCTAssertEqual(fakes.created(), ["apis", "cluster", "sa-123456789", "binding-123456789", "operator"])

        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.result, .succeeded)
        XCTAssertEqual(journal.captures, ["PROJECT_NUMBER": "123456789"])
        XCTAssertTrue(journal.steps.allSatisfy { $0.status == .done && $0.startedAt != nil && $0.exitCode == 0 })
        XCTAssertEqual(journal.steps[4].logPath, "logs/05-create-iam-sa.log")
        let log = try String(contentsOf: fakes.workspace.appendingPathComponent("logs/05-create-iam-sa.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("$ gcloud create sa-123456789"), log)
        XCTAssertTrue(log.contains("Created [sa-123456789]."), log)

        // Private workspace: 0700 folders, 0600 files.
        XCTAssertEqual(try mode(fakes.workspace), 0o700)
        XCTAssertEqual(try mode(fakes.workspace.appendingPathComponent("logs")), 0o700)
        XCTAssertEqual(try mode(fakes.workspace.appendingPathComponent("state.json")), 0o600)
        XCTAssertEqual(try mode(fakes.workspace.appendingPathComponent("logs/01-check-gcloud.log")), 0o600)
        // Event order: runStarted first, runFinished last, each step started before it finished.
        guard case .runStarted(8, _)? = observer.events.first, case .runFinished(.succeeded, _)? = observer.events.last else {
            return XCTFail("events: \(observer.events)")
        }
    }

    func testFailureAtEachStepThenResumeCreatesEverythingExactlyOnce() async throws {
        let plan = FakeTools.plan()
        for (k, step) in plan.steps.enumerated() {
            let fakes = try FakeTools()
            defer { fakes.remove() }
            let failing = Placeholder.substitute(step.argv.dropFirst().joined(separator: " "), ["PROJECT_NUMBER": "123456789"])
            let first = try await fakes.runner(plan, extra: ["FAKE_FAIL": failing]).run(mode: .fresh, observer: RecordingObserver())
            XCTAssertEqual(first, .failed, "step \(k)")
            let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
            XCTAssertEqual(journal.steps[k].status, .failed, "step \(k)")
            XCTAssertTrue(journal.steps[..<k].allSatisfy { $0.status == .done }, "step \(k)")
            XCTAssertTrue(journal.steps[(k + 1)...].allSatisfy { $0.status == .pending }, "step \(k)")

            let observer = RecordingObserver()
            let second = try await fakes.runner(plan).run(mode: .resume, observer: observer)
            XCTAssertEqual(second, .succeeded, "step \(k)")
            XCTAssertEqual(observer.outcomes.first?.stepID, step.id, "resume starts at the failed step")
            XCTAssertEqual(fakes.created(), ["apis", "cluster", "sa-123456789", "binding-123456789", "operator"], "step \(k)")
            // No create was ever attempted against something that existed.
            let creates = fakes.calls().filter { $0.contains(" create ") }
            XCTAssertEqual(Set(creates).count, 5, "step \(k)")
            for call in Set(creates) {
                let expected = call.hasSuffix(failing.split(separator: " ").last.map(String.init) ?? "") && call.contains(failing) ? 2 : 1
                XCTAssertEqual(creates.filter { $0 == call }.count, expected, "\(call) at step \(k)")
            }
        }
    }

    func testApplyOfFinishedWorkspaceRunsNoCreate() async throws {
        let plan = FakeTools.plan()
        let ran1 = try await fakes.runner(plan).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(ran1, .succeeded)
        let callsBefore = fakes.calls().count
        let observer = RecordingObserver()
        let ran2 = try await fakes.runner(plan).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran2, .succeeded)
        let newCalls = fakes.calls().dropFirst(callsBefore)
        XCTAssertFalse(newCalls.contains { $0.contains(" create ") }, "\(newCalls)")
        XCTAssertEqual(observer.status(of: .createCluster), .alreadyDone)
        XCTAssertEqual(observer.status(of: .createIAMServiceAccount), .alreadyDone)
        XCTAssertEqual(observer.status(of: .checkGcloud), .done)
    }

    /// A delete step: probed "already gone" first, so a second run sends no delete; a probe or delete answering
    /// NOT_FOUND for what holds the thing counts as gone; a delete failure with the thing still there stays a failure.
    func testDeleteStepsAreProbedAndSecondRunSendsNoDelete() async throws {
        func delete(_ name: String, probe: [String]? = nil) -> Step {
            Step(id: .deleteNodePool(pool: name), title: "Delete \(name)", why: "w", argv: ["gcloud", "delete", name],
                 probe: Probe(argv: probe ?? ["gcloud", "list", name], expect: .not(.nonEmpty)), kind: .delete)
        }
        let plan = FakeTools.plan([delete("a"), delete("b", probe: ["gcloud", "describe", "parent-of-b"])])
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
            try name.write(to: fakes.state.appendingPathComponent("res/\(name)"), atomically: true, encoding: .utf8)
        }
        // b's parent is gone: its probe answers NOT_FOUND, which proves b gone too (no delete sent).
        let extra = ["FAKE_FAIL": "describe parent-of-b", "FAKE_FAIL_TEXT": "ERROR: (gcloud) NOT_FOUND: parent-of-b"]
        let observer = RecordingObserver()
        let first = try await fakes.runner(plan, extra: extra).run(mode: .fresh, observer: observer)
        XCTAssertEqual(first, .succeeded)
        XCTAssertEqual(observer.outcomes.map(\.status), [.done, .alreadyDone])
        XCTAssertEqual(fakes.deleted(), ["a"])

        let again = RecordingObserver()
        let second = try await fakes.runner(plan, extra: extra).run(mode: .fresh, observer: again)
        XCTAssertEqual(second, .succeeded)
        XCTAssertEqual(again.outcomes.map(\.status), [.alreadyDone, .alreadyDone])
        XCTAssertFalse(fakes.calls().contains { $0.hasPrefix("gcloud delete") && $0 != "gcloud delete a" }, "\(fakes.calls())")
        XCTAssertEqual(fakes.calls().filter { $0.hasPrefix("gcloud delete") }.count, 1, "the second run sent a delete")
    }

    func testAFailedDeleteIsProbedAgainAndFailsWhileTheThingIsThere() async throws {
        let step = Step(id: .deleteNodePool(pool: "c"), title: "Delete c", why: "w", argv: ["gcloud", "delete", "c"],
                        probe: Probe(argv: ["gcloud", "list", "c"], expect: .not(.nonEmpty)), kind: .delete)
        try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
        try "c".write(to: fakes.state.appendingPathComponent("res/c"), atomically: true, encoding: .utf8)
        // A 404 from something else (a sub-resource the delete reads) is no proof: the probe still lists c.
        let extra = ["FAKE_FAIL": "delete c", "FAKE_FAIL_TEXT": "ERROR: (gcloud) NOT_FOUND: c/storageLayout"]
        let observer = RecordingObserver()
        let result = try await fakes.runner(FakeTools.plan([step]), extra: extra).run(mode: .fresh, observer: observer)
        XCTAssertEqual(result, .failed)
        XCTAssertEqual(fakes.calls().filter { $0 == "gcloud list c" }.count, 2, "probed before and after the failed delete")
    }

    func testCreateAnsweringAlreadyExistsIsAlreadyDone() async throws {
        let step = Step(id: .createBucket, title: "Create the bucket", why: "w", argv: ["gcloud", "create", "bucket"], kind: .create)
        try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
        try "x".write(to: fakes.state.appendingPathComponent("res/bucket"), atomically: true, encoding: .utf8)
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .succeeded)
        XCTAssertEqual(observer.status(of: .createBucket), .alreadyDone)
    }

    func testAFirstCreateThatSaysAlreadyExistsGoesWithoutItsProbeWhichRunsAfterAnEarlierStart() async throws {
        let step = Step(id: .createCluster, title: "Create the GKE cluster", why: "w", argv: ["gcloud", "create", "cluster"],
                        probe: Probe(argv: ["gcloud", "describe", "cluster"], expect: .equals("cluster"), onlyAfterAnEarlierStart: true),
                        kind: .create)
        let plan = FakeTools.plan([step])
        // The first start goes straight to the create, which makes the cluster.
        let failing = fakes.runner(plan, extra: ["FAKE_FAIL": "create cluster", "FAKE_FAIL_TEXT": "ERROR: (gcloud) 503 backend error"])
        let first = try await failing.run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(first, .failed)
        XCTAssertEqual(fakes.calls(), ["gcloud create cluster"], "no probe before a create no run has started")
        // That run started the step: resuming it probes first (the cluster is there after all), and creates nothing.
        try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
        try "cluster".write(to: fakes.state.appendingPathComponent("res/cluster"), atomically: true, encoding: .utf8)
        let observer = RecordingObserver()
        let resumed = try await fakes.runner(plan).run(mode: .resume, observer: observer)
        XCTAssertEqual(resumed, .succeeded)
        XCTAssertEqual(fakes.calls(), ["gcloud create cluster", "gcloud describe cluster"])
        XCTAssertEqual(observer.status(of: .createCluster), .alreadyDone)
    }

    func testAFirstCreateOfSomethingThatExistsIsAlreadyDoneWithoutAProbe() async throws {
        let step = Step(id: .createCluster, title: "Create the GKE cluster", why: "w", argv: ["gcloud", "create", "cluster"],
                        probe: Probe(argv: ["gcloud", "describe", "cluster"], expect: .equals("cluster"), onlyAfterAnEarlierStart: true),
                        kind: .create)
        try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
        try "cluster".write(to: fakes.state.appendingPathComponent("res/cluster"), atomically: true, encoding: .utf8)
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .succeeded)
        XCTAssertEqual(observer.status(of: .createCluster), .alreadyDone)
        XCTAssertEqual(fakes.calls(), ["gcloud create cluster"])
        XCTAssertEqual(fakes.created(), [], "nothing made twice")
    }

    func testBucketNameTakenIsAFailureNotAlreadyDone() async throws {
        let step = Step(id: .createBucket, title: "Create the bucket", why: "w", argv: ["gcloud", "create", "bucket"], kind: .create)
        let text = "ERROR: (gcloud.storage.buckets.create) HTTPError 409: The requested bucket name is not available. "
            + "The bucket namespace is shared by all users of the system. Please select a different name and try again."
        let observer = RecordingObserver()
        let runner = fakes.runner(FakeTools.plan([step]), extra: ["FAKE_FAIL": "create bucket", "FAKE_FAIL_TEXT": text])
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        let outcome = try XCTUnwrap(observer.outcomes.last)
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertEqual(outcome.exitCode, 1)
        XCTAssertEqual(outcome.stderrTail.last, text)
        XCTAssertTrue(outcome.hint?.summary.contains("taken") ?? false, "\(String(describing: outcome.hint))")
    }

    func testRetryWithBackoffThenSuccess() async throws {
        let plan = FakeTools.plan([FakeTools.plan().steps[7]])
        let observer = RecordingObserver()
        let runner = fakes.runner(plan, extra: [
            "FAKE_FAIL": "print condition", "FAKE_FAIL_TIMES": "2",
            "FAKE_FAIL_TEXT": "google.auth.exceptions.DefaultCredentialsError: Failed to retrieve http://metadata.google.internal",
        ])
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .succeeded)
        XCTAssertEqual(observer.notes.filter { $0.hasPrefix("attempt") }.count, 2, "\(observer.notes)")
        XCTAssertTrue(observer.notes.contains { $0.contains("metadata server") }, "\(observer.notes)")
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.steps[0].attempts, 3)
    }

    /// The probe's getAccessToken refusal while IAM propagates: the step waits, saying for what and how long it may,
    /// and tries again with backoff until the binding works.
    func testAWaitRetriesWhatMaySettleAndSaysWhatItWaitsFor() async throws {
        let step = Step(id: .verifyBucket, title: "Check the bucket", why: "w", argv: ["kubectl", "print", "head", "ok"],
                        success: .containsAll(["ok"]), kind: .verify,
                        retry: .wait(for: "the IAM bindings to take effect", upTo: 600, on: [.iamPropagation], initial: 5, max: 60))
        let refused = "headgroup raycluster-mini-head-x7k2p failed: no token for gsa@p.iam.gserviceaccount.com: HTTP 403: Unable to generate "
            + "access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."
        let observer = RecordingObserver()
        let runner = fakes.runner(FakeTools.plan([step]), extra: ["FAKE_FAIL": "print head", "FAKE_FAIL_TIMES": "2", "FAKE_FAIL_TEXT": refused]) {
            $0.retryDelayScale = 0.01
        }
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .succeeded)
        let waits = observer.waits
        XCTAssertEqual(waits.map(\.attempt), [1, 2])
        XCTAssertEqual(waits.first?.what, "the IAM bindings to take effect")
        // The deadline is said as it is held: scaled by 0.01 here, like the delays.
        XCTAssertEqual(try XCTUnwrap(waits.first?.deadlineSeconds), 6, accuracy: 0.0001)
        XCTAssertTrue(waits.first?.reason.contains("getAccessToken") ?? false, "\(waits)")
        // Truncated exponential backoff with up to a second of jitter (scaled by 0.01 here): 5-6 s, then 10-11 s.
        XCTAssertEqual(waits[0].retryInSeconds, 0.055, accuracy: 0.0051)
        XCTAssertEqual(waits[1].retryInSeconds, 0.105, accuracy: 0.0051)
        var unscaled = waits[0]
        unscaled.deadlineSeconds = 600
        XCTAssertTrue(unscaled.text(elapsed: 65).hasPrefix("waiting for the IAM bindings to take effect: 1m 05s so far, up to 10 min"))
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.steps[0].attempts, 3)
    }

    /// A wait ends at its deadline with a hint saying what it waited for; a failure the wait is not for fails at once.
    func testAWaitEndsAtItsDeadlineAndOtherFailuresAreNotWaitedFor() async throws {
        let step = Step(id: .grantBucketRole, title: "Grant", why: "w", argv: ["gcloud", "print", "granted"], kind: .update,
                        retry: .wait(for: "Cloud Storage to know the new service account", upTo: 20, on: [.newServiceAccount], initial: 5, max: 30))
        let unknown = "ERROR: (gcloud.storage.buckets.add-iam-policy-binding) HTTPError 400: Service account gsa@p.iam.gserviceaccount.com does not exist."
        let observer = RecordingObserver()
        // Scaled by 0.05, the 20 s wait is held to 1 s, and said to be.
        let runner = fakes.runner(FakeTools.plan([step]), extra: ["FAKE_FAIL": "print granted", "FAKE_FAIL_TEXT": unknown]) {
            $0.retryDelayScale = 0.05
        }
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        XCTAssertGreaterThanOrEqual(observer.waits.count, 1)
        XCTAssertEqual(try XCTUnwrap(observer.waits.first?.deadlineSeconds), 1, accuracy: 0.0001)
        let hint = try XCTUnwrap(observer.outcomes.last?.hint)
        XCTAssertTrue(hint.summary.hasPrefix("Waited ") && hint.summary.contains("for Cloud Storage to know the new service account (the limit is 1 s)"),
                      hint.summary)
        XCTAssertTrue(hint.fix.contains("resume"), hint.fix)

        let other = try FakeTools()
        defer { other.remove() }
        let denied = "ERROR: (gcloud.storage.buckets.add-iam-policy-binding) HTTPError 403: tester@example.com does not have "
            + "storage.buckets.setIamPolicy access to the Google Cloud Storage bucket."
        let refused = RecordingObserver()
        let second = other.runner(FakeTools.plan([step]), extra: ["FAKE_FAIL": "print granted", "FAKE_FAIL_TEXT": denied]) { $0.retryDelayScale = 0.01 }
        let secondRan = try await second.run(mode: .fresh, observer: refused)
        XCTAssertEqual(secondRan, .failed)
        XCTAssertEqual(refused.waits.count, 0)
        XCTAssertEqual(refused.outcomes.last?.hint?.summary, "Permission denied: missing storage.buckets.setIamPolicy for tester@example.com.")
    }

    func testAWaitEndsAtOnceOnAnOutputThatNeverSettles() async throws {
        let retry = RetryPolicy.wait(for: "the cluster to be RUNNING", upTo: 20, initial: 5, max: 30, givesUpOn: ["ERROR": "Delete it, then resume."])
        let broken = Step(id: .waitCluster, title: "Wait", why: "w", argv: ["gcloud", "print", "ERROR"], success: .equals("RUNNING"),
                          kind: .check, retry: retry)
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([broken])) { $0.retryDelayScale = 0.05 }.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        XCTAssertEqual(observer.waits.count, 0, "ERROR never becomes RUNNING: no wait")
        XCTAssertEqual(observer.outcomes.last?.hint, Hint(summary: "It printed ERROR, which waiting does not change.", fix: "Delete it, then resume."))

        let other = try FakeTools()
        defer { other.remove() }
        let provisioning = Step(id: .waitCluster, title: "Wait", why: "w", argv: ["gcloud", "print", "PROVISIONING"], success: .equals("RUNNING"),
                                kind: .check, retry: retry)
        let waited = RecordingObserver()
        _ = try await other.runner(FakeTools.plan([provisioning])) { $0.retryDelayScale = 0.01 }.run(mode: .fresh, observer: waited)
        XCTAssertGreaterThanOrEqual(waited.waits.count, 1, "PROVISIONING may still become RUNNING: waited for")
    }

    func testTimeoutStopsTheStepWithAHint() async throws {
        let step = Step(id: .createKSA, title: "Slow", why: "w", argv: ["gcloud", "sleep", "30"], kind: .verify, timeoutSeconds: 1)
        let observer = RecordingObserver()
        let start = Date()
        let runner = fakes.runner(FakeTools.plan([step])) { $0.timeoutScale = 0.5 }
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let outcome = try XCTUnwrap(observer.outcomes.last)
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertTrue(outcome.hint?.summary.hasPrefix("Timed out after 0.5s") ?? false, "\(String(describing: outcome.hint))")
        XCTAssertNil(outcome.exitCode, "stopped at the limit: no exit code of its own")
        XCTAssertEqual(outcome.endingText, "timed out")
        let child = try XCTUnwrap(fakes.pid("child.pid"))
        XCTAssertFalse(isAlive(child), "the step's whole process group is stopped")
    }

    func testAFailedWaitForWorkersReadsThePodsAndQuotesTheirReason() async throws {
        let pods = PodDiagnosisTests.list([PodDiagnosisTests.pod("raycluster-mini-gpu-worker-x7k2p", group: "gpu",
                                                                 conditions: PodDiagnosisTests.unschedulable)])
        let events = PodDiagnosisTests.list([PodDiagnosisTests.event("raycluster-mini-gpu-worker-x7k2p", reason: "FailedScaleUp",
                                                                     message: PodDiagnosisTests.quota, at: "2026-12-07T10:00:12Z")])
        try pods.write(to: fakes.state.appendingPathComponent("pods.json"), atomically: true, encoding: .utf8)
        try events.write(to: fakes.state.appendingPathComponent("events.json"), atomically: true, encoding: .utf8)
        let wait = PodWait(role: .workers, groups: [.init(name: "cpu", index: 0), .init(name: "gpu", index: 1)], namespace: "ray", rayCluster: "raycluster-mini",
                           listPods: ["kubectl", "show", "pods.json"], listEvents: ["kubectl", "show", "events.json"])
        let step = Step(id: .waitWorkers, title: "Wait for the Ray worker pods to be Ready", why: "w", argv: ["kubectl", "print", "waiting"],
                        kind: .check, retry: RetryPolicy(attempts: 2, initialDelaySeconds: 1, maxDelaySeconds: 1), pods: wait)
        let observer = RecordingObserver()
        let runner = fakes.runner(FakeTools.plan([step]), extra: [
            "FAKE_FAIL": "print waiting", "FAKE_FAIL_TEXT": "error: timed out waiting for the condition on pods/raycluster-mini-gpu-worker-x7k2p",
        ])
        let ran = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        let hint = try XCTUnwrap(observer.outcomes.last?.hint)
        XCTAssertEqual(hint.summary, "Timed out waiting: The Ray worker pods of group gpu did not become Ready: "
                       + "raycluster-mini-gpu-worker-x7k2p is Pending: FailedScaleUp: " + PodDiagnosisTests.quota)
        XCTAssertEqual(observer.outcomes.last?.endingText, "timed out", "kubectl's own wait ran out, not an exit code to look up")
        // Read once, after the last attempt; the journal keeps the hint for status and resume.
        XCTAssertEqual(fakes.calls().filter { $0.hasPrefix("kubectl show") }, ["kubectl show pods.json", "kubectl show events.json"])
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.steps[0].hint, hint)
        let log = try String(contentsOf: fakes.workspace.appendingPathComponent("logs/01-wait-workers.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("# why not Ready: $ kubectl show pods.json"), log)

        // When the pods cannot be read, the hint from the wait's own output stays.
        try FileManager.default.removeItem(at: fakes.state.appendingPathComponent("pods.json"))
        let again = RecordingObserver()
        _ = try await fakes.runner(FakeTools.plan([step]), extra: [
            "FAKE_FAIL": "print waiting", "FAKE_FAIL_TEXT": "error: timed out waiting for the condition on pods/raycluster-mini-gpu-worker-x7k2p",
        ]).run(mode: .fresh, observer: again)
        XCTAssertTrue(again.outcomes.last?.hint?.summary.hasSuffix("did not become ready in time.") ?? false,
                      "\(String(describing: again.outcomes.last?.hint))")
    }

    func testAWaitForPodsEndsOnceTheirNodesAreOverQuotaButWaitsOutAStockout() async throws {
        let name = "raycluster-mini-gpu-worker-x7k2p"
        let pods = PodDiagnosisTests.list([PodDiagnosisTests.pod(name, group: "gpu", conditions: PodDiagnosisTests.unschedulable)])
        func events(_ message: String) -> String {
            PodDiagnosisTests.list([PodDiagnosisTests.event(name, reason: "FailedScaleUp", message: message, at: "2026-12-07T10:00:12Z")])
        }
        try pods.write(to: fakes.state.appendingPathComponent("pods.json"), atomically: true, encoding: .utf8)
        try events(PodDiagnosisTests.quota).write(to: fakes.state.appendingPathComponent("events.json"), atomically: true, encoding: .utf8)
        let wait = PodWait(role: .workers, groups: [.init(name: "gpu", index: 1)], namespace: "ray", rayCluster: "raycluster-mini",
                           listPods: ["kubectl", "show", "pods.json"], listEvents: ["kubectl", "show", "events.json"])
        func step(seconds: Int) -> Step {
            Step(id: .waitWorkers, title: "Wait for the Ray worker pods to be Ready", why: "w", argv: ["kubectl", "sleep", "\(seconds)"],
                 kind: .check, pods: wait)
        }
        let observer = RecordingObserver()
        let start = Date()
        let ran = try await fakes.runner(FakeTools.plan([step(seconds: 60)])) { $0.podWatchSeconds = 0.2 }.run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "the wait ended at the autoscaler's answer, not its own end")
        let hint = try XCTUnwrap(observer.outcomes.last?.hint)
        XCTAssertTrue(hint.summary.hasPrefix("Stopped waiting after "), hint.summary)
        XCTAssertTrue(hint.summary.hasSuffix(", as the quota will not grow by itself: The Ray worker pods of group gpu did not become Ready: "
                                             + "\(name) is Pending: FailedScaleUp: " + PodDiagnosisTests.quota), hint.summary)
        XCTAssertTrue(hint.fix.contains("--set ray.workers[1].minReplicas=0"), hint.fix)
        XCTAssertNil(observer.outcomes.last?.endingText, "neither an exit code nor a timeout of its own")
        let child = try XCTUnwrap(fakes.pid("child.pid"))
        XCTAssertFalse(isAlive(child), "the wait's process group is stopped")
        let log = try String(contentsOf: fakes.workspace.appendingPathComponent("logs/01-wait-workers.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("# over quota, read with $ kubectl show events.json: The Ray worker pods of group gpu"), log)

        // A zone out of GPUs may have them again: the wait goes on to its own end.
        try events("Node scale up in zones us-west1-b associated with this pod failed: GCE out of resources. Pod is at risk of not being scheduled.")
            .write(to: fakes.state.appendingPathComponent("events.json"), atomically: true, encoding: .utf8)
        let waited = try await fakes.runner(FakeTools.plan([step(seconds: 2)])) { $0.podWatchSeconds = 0.2 }.run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(waited, .succeeded)
        XCTAssertGreaterThan(fakes.calls().filter { $0 == "kubectl show events.json" }.count, 1, "read while it waited")
    }

    func testCancelStopsTheProcessGroupAndMarksInterrupted() async throws {
        let plan = FakeTools.plan([
            Step(id: .createNamespace, title: "First", why: "w", argv: ["gcloud", "create", "first"], kind: .create),
            Step(id: .waitHead, title: "Long", why: "w", argv: ["gcloud", "sleep", "60"], kind: .verify),
            Step(id: .createBucket, title: "After", why: "w", argv: ["gcloud", "create", "after"], kind: .create),
        ])
        let runner = fakes.runner(plan)
        let observer = RecordingObserver()
        let state = fakes.state
        let start = Date()
        async let result = runner.run(mode: .fresh, observer: observer)
        // Cancel once the step's process and its child both exist.
        while !FileManager.default.fileExists(atPath: state.appendingPathComponent("child.pid").path) {
            try await Task.sleep(for: .milliseconds(20))
        }
        runner.cancel()
        let ended = try await result
        XCTAssertEqual(ended, .interrupted)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(observer.status(of: .waitHead), .interrupted)
        XCTAssertNil(observer.status(of: .createBucket))
        for name in ["leader.pid", "child.pid"] {
            let pid = try XCTUnwrap(fakes.pid(name))
            XCTAssertFalse(isAlive(pid), "\(name) \(pid) still running")
        }
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.status), [.done, .interrupted, .pending])
        XCTAssertEqual(journal.result, .interrupted)

        // The interrupted step runs again on resume; the done one does not.
        let resumed = fakes.runner(FakeTools.plan([plan.steps[0], plan.steps[2]]))
        let ran = try await resumed.run(mode: .resume, observer: RecordingObserver())
        XCTAssertEqual(ran, .succeeded)
        XCTAssertEqual(fakes.created(), ["first", "after"])
    }

    func testSkipAFailedStepThenContinue() async throws {
        let plan = FakeTools.plan()
        let runner = fakes.runner(plan, extra: ["FAKE_FAIL": "create binding"])
        let ran1 = try await runner.run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(ran1, .failed)
        let observer = RecordingObserver()
        let ran2 = try await runner.run(mode: .resume, skipping: [.bindWorkloadIdentity], observer: observer)
        XCTAssertEqual(ran2, .succeeded)
        XCTAssertEqual(observer.status(of: .bindWorkloadIdentity), .skipped)
        // Skipped stays skipped on a later resume.
        let again = RecordingObserver()
        let ran3 = try await fakes.runner(plan).run(mode: .resume, observer: again)
        XCTAssertEqual(ran3, .succeeded)
        XCTAssertNil(again.status(of: .bindWorkloadIdentity))
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.step(.bindWorkloadIdentity)?.status, .skipped)
    }

    func testMissingPlaceholderValueFailsClearly() async throws {
        let step = Step(id: .createKSA, title: "Use", why: "w", argv: ["gcloud", "create", "x-${PROJECT_NUMBER}"], kind: .create)
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        XCTAssertTrue(observer.outcomes.last?.hint?.summary.contains("${PROJECT_NUMBER}") ?? false)
        XCTAssertTrue(fakes.calls().isEmpty)
    }

    func testUnexpectedOutputSaysWhatWasReadAndWhatWasExpected() async throws {
        let wrong = Step(id: .checkClusterType, title: "Type", why: "w", argv: ["echo", "True"], success: .equals("False"), kind: .check)
        let empty = Step(id: .checkProject, title: "Empty", why: "w", argv: ["true"], success: .nonEmpty, kind: .check)
        for (step, summary, ending) in [
            (wrong, "The command succeeded but printed \"True\" where this step expects \"False\".", "output did not match: expected \"False\""),
            (empty, "The command succeeded but printed nothing where this step expects output.", "output did not match: expected output"),
        ] {
            let observer = RecordingObserver()
            let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
            XCTAssertEqual(ran, .failed)
            let outcome = try XCTUnwrap(observer.outcomes.last)
            XCTAssertEqual(outcome.exitCode, 0)
            // The failure line says what failed: the output, not "exit 0".
            XCTAssertEqual(outcome.endingText, ending)
            XCTAssertEqual(outcome.hint?.summary, summary)
            XCTAssertEqual(outcome.hint?.fix, "Compare the output in the log with the step's purpose: w")
        }
    }

    func testMissingToolGivesAnInstallHint() async throws {
        let step = Step(id: .checkKubectl, title: "X", why: "w", argv: ["gcloud-not-installed", "version"], kind: .check)
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .failed)
        let outcome = try XCTUnwrap(observer.outcomes.last)
        XCTAssertNil(outcome.exitCode)
        XCTAssertTrue(outcome.hint?.summary.contains("not found on PATH") ?? false, "\(String(describing: outcome.hint))")
    }

    func testMillionLineStepHasBoundedMemoryAndAFullLog() async throws {
        let step = Step(id: .verifyBucket, title: "Lines", why: "w", argv: ["gcloud", "lines", "1000000"], kind: .verify)
        let before = peakRSSKiB()
        let observer = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        XCTAssertEqual(ran, .succeeded)
        XCTAssertEqual(observer.outputLines, 1_000_000)
        let growthMiB = (peakRSSKiB() - before) / 1024
        XCTAssertLessThan(growthMiB, 30, "peak RSS grew by \(growthMiB) MiB")
        let log = fakes.workspace.appendingPathComponent("logs/01-verify-bucket.log")
        let (lines, last) = try countLines(log)
        XCTAssertEqual(lines, 1_000_000 + 3, "header, command, 1,000,000 lines, exit line")
        XCTAssertTrue(last.hasPrefix("# exit 0"), last)
    }

    private func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? 0) & 0o777
    }
}

func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// Newline count and last line of a file, read in chunks.
func countLines(_ url: URL) throws -> (Int, String) {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var count = 0
    var tail: [UInt8] = []
    while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
        count += data.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
        tail = Array((tail + data).suffix(200))
    }
    let text = String(decoding: tail, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    return (count, text)
}

/// A step that runs only for a value read earlier, and a step fed a token on stdin that no file of the run holds.
final class ConditionAndInputTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    func testTheConditionSkipsAndTheTokenReachesOnlyTheCommandsStdin() async throws {
        let plan = FakeTools.plan([
            Step(id: .checkAuthOptions, title: "Read", why: "w", argv: ["/bin/echo", "raycluster.yaml"], captures: ["RAYCLUSTER_MANIFEST"],
                 kind: .check),
            Step(id: .createAuthSecret, title: "Secret", why: "w", argv: ["/bin/sh", "-c", "cat > skipped.txt"], kind: .create,
                 runsWhen: StepCondition(placeholder: "RAYCLUSTER_MANIFEST", equals: "raycluster-auth-manual.yaml"), input: .randomToken),
            Step(id: .applyRayCluster, title: "Fed", why: "w", argv: ["/bin/sh", "-c", "cat > fed.txt && echo read it"], kind: .configure,
                 input: .randomToken),
        ])
        let observer = RecordingObserver()
        let result = try await fakes.runner(plan).run(mode: .fresh, observer: observer)
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(observer.outcomes.map(\.status), [.done, .skipped, .done])
        XCTAssertFalse(FileManager.default.fileExists(atPath: fakes.workspace.appendingPathComponent("skipped.txt").path))
        let token = try String(contentsOf: fakes.workspace.appendingPathComponent("fed.txt"), encoding: .utf8)
        XCTAssertNotNil(token.wholeMatch(of: #/[0-9a-f]{64}/#), token)
        try FileManager.default.removeItem(at: fakes.workspace.appendingPathComponent("fed.txt"))
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: fakes.workspace.path))
        for file in files {
            let text = (try? String(contentsOf: fakes.workspace.appendingPathComponent(file), encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(token), "\(file) holds the token")
        }
        XCTAssertFalse("\(observer.events)".contains(token), "an event holds the token")
        let log = try String(contentsOf: fakes.workspace.appendingPathComponent("logs/02-create-auth-secret.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("not needed: ${RAYCLUSTER_MANIFEST} is raycluster.yaml, not raycluster-auth-manual.yaml"), log)

        // The same plan where the operator lacks authOptions: the Secret step runs.
        let manual = FakeTools.plan([
            Step(id: .checkAuthOptions, title: "Read", why: "w", argv: ["/bin/echo", "raycluster-auth-manual.yaml"],
                 captures: ["RAYCLUSTER_MANIFEST"], kind: .check),
            plan.steps[1],
        ])
        let other = try FakeTools()
        defer { other.remove() }
        let second = RecordingObserver()
        let secondResult = try await other.runner(manual).run(mode: .fresh, observer: second)
        XCTAssertEqual(secondResult, .succeeded)
        XCTAssertEqual(second.outcomes.map(\.status), [.done, .done])
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.workspace.appendingPathComponent("skipped.txt").path))
    }
}
