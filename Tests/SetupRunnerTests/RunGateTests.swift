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

    func testAVerdictBeforeTheAPIsStandsThereAndNoneLeavesItToTheGate() async throws {
        let plan = FakeTools.plan()
        let asked = Mutex(0)
        let stopsEarly = RunGate.check(beforeAPIs: { GateVerdict(passed: false, summary: "Preflight stops the run: Billing") }) {
            asked.withLock { $0 += 1 }
            return GateVerdict(passed: true, summary: "Preflight passed")
        }
        let observer = RecordingObserver()
        let stopped = try await fakes.runner(plan).run(mode: .fresh, gate: stopsEarly, observer: observer)
        XCTAssertEqual(stopped, .failed)
        XCTAssertEqual(observer.outcomes.map(\.stepID), [.checkGcloud], "the APIs are not enabled while a ✗ is known")
        XCTAssertEqual(fakes.created(), [])
        XCTAssertEqual(asked.withLock { $0 }, 0, "the gate after the APIs is not asked again")
        XCTAssertTrue(observer.events.contains(.gateFinished(GateVerdict(passed: false, summary: "Preflight stops the run: Billing"))))
        XCTAssertEqual(try Journal.load(workspace: fakes.workspace)?.preflight, .stopped)

        // Undecided before the APIs (reads that wait for them): enabled, then decided at the gate.
        let later = RunGate.check(beforeAPIs: { nil }) {
            asked.withLock { $0 += 1 }
            return GateVerdict(passed: false, summary: "Preflight stops the run: GPU quota")
        }
        let gated = RecordingObserver()
        let second = try await fakes.runner(plan).run(mode: .fresh, gate: later, observer: gated)
        XCTAssertEqual(second, .failed)
        XCTAssertEqual(gated.outcomes.map(\.stepID), [.checkGcloud, .enableAPIs])
        XCTAssertEqual(fakes.created(), ["apis"])
        XCTAssertEqual(asked.withLock { $0 }, 1)
    }

    func testARunThatEndsBeforeTheGateAbandonsItAndAGateDecidedIsNot() async throws {
        let plan = FakeTools.plan()
        let abandoned = Mutex(0), asked = Mutex(0)
        let gate = RunGate.check(abandon: { abandoned.withLock { $0 += 1 } }) {
            asked.withLock { $0 += 1 }
            return GateVerdict(passed: true, summary: "Preflight passed")
        }
        // The account check fails: the run ends before the gate, which is told so and never asked.
        let failed = try await fakes.runner(plan, extra: ["FAKE_FAIL": "print alice"]).run(mode: .fresh, gate: gate, observer: RecordingObserver())
        XCTAssertEqual(failed, .failed)
        XCTAssertEqual(abandoned.withLock { $0 }, 1)
        XCTAssertEqual(asked.withLock { $0 }, 0)

        let passed = try await fakes.runner(plan).run(mode: .resume, gate: gate, observer: RecordingObserver())
        XCTAssertEqual(passed, .succeeded)
        XCTAssertEqual(asked.withLock { $0 }, 1)
        XCTAssertEqual(abandoned.withLock { $0 }, 1, "a gate that decided is not abandoned")
    }

    func testAfterAPreflightStopOtherAnswersStartOverButAreNotResumed() async throws {
        var plan = FakeTools.plan()
        plan.answers.bucket.name = "b1"
        let stop = RunGate.check { GateVerdict(passed: false, summary: "Preflight stops the run: Bucket name gs://b1") }
        let stopped = try await fakes.runner(plan).run(mode: .fresh, gate: stop, observer: RecordingObserver())
        XCTAssertEqual(stopped, .failed)
        var fixed = plan
        fixed.answers.bucket.name = "b2"
        await assertRefused(fixed, mode: .resume, "resume goes on with the answers it was started with")
        // Nothing was created before the gate, so a fresh run of the fixed answers replaces the stopped one.
        let pass = RunGate.check { GateVerdict(passed: true, summary: "Preflight passed") }
        let startedOver = try await fakes.runner(fixed).run(mode: .fresh, gate: pass, observer: RecordingObserver())
        XCTAssertEqual(startedOver, .succeeded)
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertTrue(journal.isFor(normalizedAnswers: AnswersFile.normalizedYAML(fixed.answers)))
        XCTAssertEqual(journal.preflight, .passed)

        // A run that got past its gate keeps its journal: other answers are refused.
        var other = fixed
        other.answers.bucket.name = "b3"
        await assertRefused(other, mode: .fresh, "a run that may have created something is not replaced")
    }

    /// Asserts that a run of `plan` in `mode` is refused for answers other than the journal's.
    private func assertRefused(_ plan: Plan, mode: RunMode, _ message: String, line: UInt = #line) async {
        do {
            _ = try await fakes.runner(plan).run(mode: mode, observer: RecordingObserver())
            XCTFail(message, line: line)
        } catch JournalError.answersChanged {
        } catch {
            XCTFail("\(error)", line: line)
        }
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
