import Diagnosis
import Foundation
import RunModel
import RunViews
import SetupPlan
import Synchronization
import XCTest
@testable import SetupRunner
@testable import WizardApp

/// Preflight at the run's gate once the APIs are on: only the reads that did not answer before the run are sent
/// again, and every check is decided anew from what was kept and what came back.
final class PreflightGateTests: XCTestCase {
    private static let computeOff = "ERROR: (gcloud.compute.regions.describe) Could not fetch resource:\n - Compute Engine API has not "
        + "been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/"
        + "api/compute.googleapis.com/overview?project=123456789012 then retry."
    private static let containerOff = "ERROR: (gcloud.container.clusters.describe) ResponseError: code=403, message=Kubernetes Engine API "
        + "has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/"
        + "apis/api/container.googleapis.com/overview?project=123456789012 then retry."

    /// A new project (no GPU quota) and one L4 group that starts a pod: GPU quota stops the run once it can be read.
    private let answers: Answers = {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-ray-bucket"
        a.ray.workers[0].gpu = WorkerGroup.GPU(type: "nvidia-l4", count: 1)
        a.ray.workers[0].minReplicas = 1
        a.ray.workers[0].maxReplicas = 3
        return a
    }()

    /// Reads answered by `world`, each call counted by read id.
    private final class Cloud: Sendable {
        let world: Mutex<PreflightWorld>
        let calls = Mutex<[String: Int]>([:])
        init(_ world: PreflightWorld) { self.world = Mutex(world) }
        var read: @Sendable (DoctorRead) async -> ReadResult {
            { [self] read in
                calls.withLock { $0[read.id, default: 0] += 1 }
                return world.withLock { $0 }.answer(read)
            }
        }
    }

    func testWithNothingReadYetTheReadsStartAtOnceAndTheirChecksShowAtTheGate() async throws {
        var world = PreflightWorld()
        world.newProject()
        let cloud = Cloud(world)
        let written = Mutex<[String]>([])
        let view = PreflightView(format: .jsonLines) { line in written.withLock { $0.append(line) } }
        let gate = PreflightSession.gate(answers, earlier: nil, skip: false, view: view, read: cloud.read)
        // Before the run reaches the gate the reads are already in, and nothing is shown yet.
        let reads = Preflight(answers: answers).reads(after: [:]).count
        let deadline = Date().addingTimeInterval(30)
        while cloud.calls.withLock({ $0.values.reduce(0, +) }) < reads && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertGreaterThanOrEqual(cloud.calls.withLock { $0.values.reduce(0, +) }, reads)
        XCTAssertEqual(written.withLock { $0 }, [])

        let (verdict, record) = await gate.decide()
        XCTAssertEqual(record, .stopped)
        XCTAssertEqual(verdict?.summary, "Preflight stops the run: GPU quota in us-west1. Nothing was created.")
        XCTAssertTrue(cloud.calls.withLock { $0 }.values.allSatisfy { $0 == 1 }, "every read answered: none is sent again at the gate")
        let shown = try written.withLock { $0 }.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(shown.compactMap { $0["id"] as? String }, [
            "billing", "roles", "cluster-name", "bucket-name", "accelerators", "machine-types", "gpu-quota", "cpu-quota", "org-policy",
        ])
        XCTAssertEqual(shown.first { $0["id"] as? String == "gpu-quota" }?["status"] as? String, "broken")
    }

    func testBeforeTheAPIsAStopOrAFullReadDecidesAndReadsThatWaitForThemDoNot() async throws {
        // A new project with billing off and its Compute Engine and GKE APIs off: billing's ✗ stands before the APIs.
        var world = PreflightWorld()
        world.newProject()
        world.billing = false
        world.failing = ["compute": Self.computeOff, "container": Self.containerOff]
        let stops = PreflightSession.gate(answers, earlier: nil, skip: false, view: nil, read: Cloud(world).read)
        let early = await stops.beforeAPIs?()
        XCTAssertEqual(early?.passed, false)
        XCTAssertEqual(early?.broken, ["billing"])

        // Billing on: nothing stops yet, and GPU quota waits for the Compute Engine API: the gate decides.
        world.billing = true
        let waits = PreflightSession.gate(answers, earlier: nil, skip: false, view: nil, read: Cloud(world).read)
        let undecided = await waits.beforeAPIs?()
        XCTAssertNil(undecided)

        // Every read answered: decided before the APIs (here: the GPU quota of a new project stops it).
        world.failing = [:]
        let read = PreflightSession.gate(answers, earlier: nil, skip: false, view: nil, read: Cloud(world).read)
        let full = await read.beforeAPIs?()
        XCTAssertEqual(full?.broken, ["gpu-quota"])
    }

    func testAnAbandonedGateStopsItsReads() async throws {
        let started = Mutex(0), cancelled = Mutex(0)
        let gate = PreflightSession.gate(answers, earlier: nil, skip: false, view: nil) { _ in
            started.withLock { $0 += 1 }
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                cancelled.withLock { $0 += 1 }
            }
            return ReadResult(exitCode: 1, stdout: "", stderr: "stopped")
        }
        var deadline = Date().addingTimeInterval(30)
        while started.withLock({ $0 }) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let inFlight = started.withLock { $0 }
        XCTAssertGreaterThan(inFlight, 0)
        gate.abandon()
        deadline = Date().addingTimeInterval(30)
        while cancelled.withLock({ $0 }) < inFlight && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(cancelled.withLock { $0 }, inFlight, "every read in flight is stopped")
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(started.withLock { $0 }, inFlight, "and no read starts after")
    }

    func testTheGateReadsAgainOnlyWhatDidNotAnswerAndDecidesEveryCheckAnew() async throws {
        var apisOff = PreflightWorld()
        apisOff.newProject()
        apisOff.failing = ["compute": Self.computeOff, "container": Self.containerOff]
        let cloud = Cloud(apisOff)
        let earlier = await PreflightSession.check(answers, read: cloud.read) { _ in }
        XCTAssertTrue(earlier.waitsForAPIs)
        XCTAssertFalse(earlier.stops, "a read that waits for an API is a warning, never a stop")
        XCTAssertEqual(earlier.checks.first { $0.id == .gpuQuota }?.status, .warning)
        XCTAssertEqual(earlier.checks.first { $0.id == .clusterName }?.status, .warning)

        // The run has enabled the APIs: the same project now answers every read.
        cloud.world.withLock { $0.failing = [:] }
        let written = Mutex<[String]>([])
        let view = PreflightView(format: .jsonLines) { line in written.withLock { $0.append(line) } }
        let (verdict, record) = await PreflightSession.gate(answers, earlier: earlier, skip: false, view: view, read: cloud.read).decide()

        XCTAssertEqual(record, .stopped)
        XCTAssertEqual(verdict?.passed, false)
        XCTAssertEqual(verdict?.summary, "Preflight stops the run: GPU quota in us-west1. Nothing was created.",
                       "the GPU quota check is decided again from the regional quotas read at the gate")
        let calls = cloud.calls.withLock { $0 }
        let readAgain: Set = ["cluster", "accelerator-types", "machine-types", "region", "project-info"]
        for read in Preflight(answers: answers).reads(after: [:]) {
            XCTAssertEqual(calls[read.id], readAgain.contains(read.id) ? 2 : 1,
                           "\(read.id): only the reads that waited for an API are sent again (the bucket's 404 is an answer)")
        }
        // Every check shows at the gate, in order: those the kept reads decide as well as those read again.
        let events = try written.withLock { $0 }.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let shown = events.filter { $0["event"] as? String == "preflight-check" }
        XCTAssertEqual(shown.map { $0["id"] as? String }, [
            "billing", "roles", "cluster-name", "bucket-name", "accelerators", "machine-types", "gpu-quota", "cpu-quota", "org-policy",
        ])
        XCTAssertEqual(shown.first { $0["id"] as? String == "cluster-name" }?["status"] as? String, "ok", "the name is free: 404 after the API is on")
        XCTAssertEqual(shown.first { $0["id"] as? String == "gpu-quota" }?["status"] as? String, "broken")
    }

    func testAGateWhoseEarlierReadsAllAnsweredReadsNothing() async {
        let cloud = Cloud(PreflightWorld())
        let earlier = await PreflightSession.check(answers, read: cloud.read) { _ in }
        let before = cloud.calls.withLock { $0 }
        XCTAssertFalse(earlier.waitsForAPIs)
        let (verdict, record) = await PreflightSession.gate(answers, earlier: earlier, skip: false, view: nil, read: cloud.read).decide()
        XCTAssertEqual(record, .passed)
        XCTAssertNil(verdict, "decided and shown before the run")
        XCTAssertEqual(cloud.calls.withLock { $0 }, before)
    }

    func testOnlyAnswersAreKept() {
        let kept = Preflight.answered([
            "value": ReadResult(exitCode: 0, stdout: "{}"),
            "no-such-bucket": ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: (gcloud.storage.buckets.describe) gs://b not found: 404."),
            "not-yours": ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: ... does not have storage.buckets.get access ... Permission 'storage.buckets.get' denied"),
            "api-off": ReadResult(exitCode: 1, stdout: "", stderr: Self.computeOff),
            "empty-list-api-off": ReadResult(exitCode: 0, stdout: "[]", stderr: "WARNING: Some requests did not succeed:\n - " + Self.computeOff),
            "timed-out": ReadResult(exitCode: nil, stdout: ""),
        ])
        XCTAssertEqual(Set(kept.keys), ["value", "no-such-bucket", "not-yours"])
    }
}
