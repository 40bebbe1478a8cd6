import Foundation
import RunModel
import SetupPlan
import Synchronization
import XCTest
@testable import SetupRunner

/// Preflight's gate: where it stands in the plan, what a verdict does to the run, and what the journal records.
final class RunGateTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    func testAStoppingVerdictEndsTheRunAfterTheAPIsWithNothingCreated() async throws {
        let plan = FakeTools.plan()
        let observer = RecordingObserver()
        let calls = Mutex(0)
        let gate = RunGate.check {
            calls.withLock { $0 += 1 }
            return GateVerdict(passed: false, summary: "Preflight stops the run: GPU quota")
        }
        let result = try await fakes.runner(plan).run(mode: .fresh, gate: gate, observer: observer)
        XCTAssertEqual(result, .failed)
        XCTAssertEqual(calls.withLock { $0 }, 1)
        // The account check and the API enablement ran; nothing after them.
        XCTAssertEqual(observer.outcomes.map(\.stepID), [.checkGcloud, .enableAPIs])
        XCTAssertEqual(fakes.created(), ["apis"])
        XCTAssertTrue(observer.events.contains(.gateFinished(GateVerdict(passed: false, summary: "Preflight stops the run: GPU quota"))))
        guard case .runFinished(.failed, _)? = observer.events.last else { return XCTFail("events: \(observer.events)") }
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.preflight, .stopped)
        XCTAssertEqual(journal.result, .failed)
        XCTAssertTrue(journal.steps[2...].allSatisfy { $0.status == .pending })

        // Resumed once the cause is gone, the gate decides again and the run goes through.
        let passing = RunGate.check { GateVerdict(passed: true, summary: "Preflight passed") }
        let second = try await fakes.runner(plan).run(mode: .resume, gate: passing, observer: RecordingObserver())
        XCTAssertEqual(second, .succeeded)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.preflight, .passed)
    }

    func testSkippingIsRecordedAndAGateIsNotAskedOnceSomethingWasCreated() async throws {
        let plan = FakeTools.plan()
        let result = try await fakes.runner(plan).run(mode: .fresh, gate: .skipped, observer: RecordingObserver())
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.preflight, .skipped)
        XCTAssertEqual(RunGate.index(in: plan, statuses: Array(repeating: .pending, count: plan.steps.count)), 2)
        var statuses = Array(repeating: StepStatus.pending, count: plan.steps.count)
        statuses[2] = .done
        XCTAssertNil(RunGate.index(in: plan, statuses: statuses), "the cluster exists: its name is the run's own")
        for cutOff in [StepStatus.interrupted, .running] {
            statuses[2] = cutOff
            XCTAssertNil(RunGate.index(in: plan, statuses: statuses), "a create cut off while \(cutOff) may have left its cluster behind")
        }
        for nothingMade in [StepStatus.skipped, .failed] {
            statuses[2] = nothingMade
            XCTAssertEqual(RunGate.index(in: plan, statuses: statuses), 2, "a \(nothingMade) step created nothing preflight may not see")
        }
    }

    func testADecidedVerdictPassesWithoutReadingAgain() async throws {
        let observer = RecordingObserver()
        let result = try await fakes.runner(FakeTools.plan()).run(mode: .fresh, gate: .decided(GateVerdict(passed: true, summary: "ok")),
                                                                   observer: observer)
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.preflight, .passed)
        XCTAssertEqual(observer.events.filter { if case .gateFinished = $0 { true } else { false } }.count, 0, "shown when it was decided")
    }
}
