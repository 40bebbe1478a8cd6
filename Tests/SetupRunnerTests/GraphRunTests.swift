import Foundation
import RunModel
import SetupPlan
import Synchronization
import XCTest
@testable import SetupRunner

/// Steps run as the plan's graph allows: each once its needs are done, several at once up to the limit, the journal
/// and the observer kept exact.
final class GraphRunTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    /// A step that appends `start ID` and `end ID` to `order.txt` around a sleep (the workspace is the working
    /// directory), or fails after the sleep.
    private func step(_ id: StepID, sleep: Double = 0.4, fails: Bool = false, needs: [StepID] = []) -> Step {
        let script = "echo start \(id) >> order.txt; sleep \(sleep); echo end \(id) >> order.txt" + (fails ? "; exit 3" : "")
        return Step(id: id, title: id.rawValue, why: "w", argv: ["/bin/sh", "-c", script], kind: .check, needs: needs)
    }

    private func order() -> [String] {
        ((try? String(contentsOf: fakes.workspace.appendingPathComponent("order.txt"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    private func runner(_ steps: [Step], concurrency: Int) -> SetupRunner {
        fakes.runner(FakeTools.plan(steps)) { $0.concurrency = concurrency }
    }

    /// The most steps running at once in the events' order.
    private func mostRunning(_ events: [RunEvent]) -> Int {
        var running = 0, most = 0
        for event in events {
            if case .stepStarted = event { running += 1 }
            if case .stepFinished(let outcome) = event, outcome.status != .skipped { running -= 1 }
            most = max(most, running)
        }
        return most
    }

    func testIndependentStepsOverlapAndANeedWaitsForItsStep() async throws {
        // bucket and account at once; the grant after both, though it comes first in line for a free slot.
        let steps = [step(.createBucket), step(.createIAMServiceAccount), step(.grantBucketRole, sleep: 0, needs: [.createBucket, .createIAMServiceAccount])]
        let observer = RecordingObserver()
        let started = ContinuousClock.now
        let result = try await runner(steps, concurrency: 4).run(mode: .fresh, observer: observer)
        let seconds = CommandRunner.seconds(ContinuousClock.now - started)
        XCTAssertEqual(result, .succeeded)
        let order = order()
        XCTAssertEqual(Set(order.prefix(2)), ["start create-bucket", "start create-iam-sa"], "\(order)")
        XCTAssertEqual(Array(order.suffix(2)), ["start grant-bucket-role", "end grant-bucket-role"], "\(order)")
        XCTAssertEqual(mostRunning(observer.events), 2)
        XCTAssertLessThan(seconds, 0.8 + 0.5, "two 0.4 s steps at once, not one after the other (took \(seconds) s)")
        let journal = try XCTUnwrap(try Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.status), [.done, .done, .done])
        XCTAssertEqual(journal.result, .succeeded)
    }

    func testAtMostTheLimitRunAtOnceAndOneRunsThemInPlanOrder() async throws {
        let ids: [StepID] = [.createBucket, .createIAMServiceAccount, .createNamespace, .createKSA]
        let observer = RecordingObserver()
        _ = try await runner(ids.map { step($0, sleep: 0.2) }, concurrency: 2).run(mode: .fresh, observer: observer)
        XCTAssertEqual(mostRunning(observer.events), 2)

        try FileManager.default.removeItem(at: fakes.workspace)
        let sequential = RecordingObserver()
        _ = try await runner(ids.map { step($0, sleep: 0.05) }, concurrency: 1).run(mode: .fresh, observer: sequential)
        XCTAssertEqual(mostRunning(sequential.events), 1)
        XCTAssertEqual(order(), ids.flatMap { ["start \($0)", "end \($0)"] })
    }

    /// The journal on disk says every running step is running: what a resume after kill -9 reads.
    func testTheJournalRecordsEveryRunningStep() async throws {
        let journalURL = fakes.workspace.appendingPathComponent(WorkspaceFiles.journal)
        let seen = Mutex<[StepStatus]?>(nil)
        let observer = RecordingObserver { event in
            guard case .stepStarted(let index, _) = event, index == 1,
                  let journal = try? Journal.load(from: journalURL) else { return }
            seen.withLock { $0 = journal.steps.map(\.status) }
        }
        _ = try await runner([step(.createBucket), step(.createIAMServiceAccount)], concurrency: 2).run(mode: .fresh, observer: observer)
        XCTAssertEqual(seen.withLock { $0 }, [.running, .running])
    }

    /// A failure starts nothing more, lets the running step finish, and the run ends failed naming it.
    func testAFailureStopsNewStartsAndLetsTheRunningOnesFinish() async throws {
        let steps = [step(.createBucket, sleep: 0.1, fails: true), step(.createIAMServiceAccount, sleep: 0.6),
                     step(.createNamespace, sleep: 0), step(.createKSA, sleep: 0, needs: [.createBucket])]
        let observer = RecordingObserver()
        let result = try await runner(steps, concurrency: 2).run(mode: .fresh, observer: observer)
        XCTAssertEqual(result, .failed)
        XCTAssertEqual(observer.status(of: .createBucket), .failed)
        XCTAssertEqual(observer.status(of: .createIAMServiceAccount), .done, "the running step finished")
        XCTAssertNil(observer.status(of: .createNamespace), "nothing started after the failure")
        let journal = try XCTUnwrap(try Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.status), [.failed, .done, .pending, .pending])
        XCTAssertEqual(journal.result, .failed)

        // Resume runs the failed step and what waits, and leaves the done one alone.
        try FileManager.default.removeItem(at: fakes.workspace.appendingPathComponent("order.txt"))
        let fixed = [step(.createBucket, sleep: 0)] + steps.dropFirst()
        let resumed = try await runner(fixed, concurrency: 2).run(mode: .resume, observer: RecordingObserver())
        XCTAssertEqual(resumed, .succeeded)
        XCTAssertFalse(order().contains("start create-iam-sa"), "\(order())")
    }

    /// A stop (Ctrl-C) with two steps running stops both.
    func testCancelStopsEveryRunningStep() async throws {
        let runner = runner([step(.createBucket, sleep: 30), step(.createIAMServiceAccount, sleep: 30), step(.createKSA, sleep: 0)],
                            concurrency: 2)
        let observer = RecordingObserver { event in
            if case .stepStarted(let index, _) = event, index == 1 { runner.cancel() }
        }
        let started = ContinuousClock.now
        let result = try await runner.run(mode: .fresh, observer: observer)
        XCTAssertEqual(result, .interrupted)
        XCTAssertLessThan(CommandRunner.seconds(ContinuousClock.now - started), 10)
        let journal = try XCTUnwrap(try Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.status), [.interrupted, .interrupted, .pending])
    }

    /// Preflight decides where a one-at-a-time run would: after the steps before the first changing one (the APIs'
    /// enablement among them), before any changing step starts, though one is ready earlier.
    func testTheGateDecidesAfterTheStepsBeforeItAndBeforeAnyChange() async throws {
        var enable = step(.enableAPIs, sleep: 0.4)
        enable.kind = .update
        var create = step(.createIAMServiceAccount, sleep: 0)
        create.kind = .create
        let steps = [step(.checkGcloud, sleep: 0), enable, create]
        for passed in [false, true] {
            try? FileManager.default.removeItem(at: fakes.workspace)
            let observer = RecordingObserver()
            let gate = RunGate.check { GateVerdict(passed: passed, summary: passed ? "ok" : "no quota") }
            let result = try await runner(steps, concurrency: 4).run(mode: .fresh, gate: gate, observer: observer)
            let names = observer.events.compactMap { event -> String? in
                switch event {
                case .stepStarted(_, let id): return "start \(id)"
                case .stepFinished(let outcome): return "end \(outcome.stepID)"
                case .gateFinished: return "gate"
                default: return nil
                }
            }
            XCTAssertEqual(result, passed ? .succeeded : .failed)
            let decided = names.firstIndex(of: "gate") ?? -1
            XCTAssertGreaterThan(decided, names.firstIndex(of: "end enable-apis") ?? .max, "\(names)")
            if passed {
                XCTAssertLessThan(decided, names.firstIndex(of: "start create-iam-sa") ?? -1, "\(names)")
            } else {
                XCTAssertFalse(names.contains("start create-iam-sa"), "\(names)")
            }
        }
    }

    /// Events of steps running at once reach the observer one call at a time.
    func testTheObserverIsNeverCalledTwiceAtOnce() async throws {
        final class Depth: Sendable { let state = Mutex((now: 0, most: 0)) }
        struct Slow: RunObserver {
            let depth: Depth
            func handle(_ event: RunEvent) async {
                depth.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                try? await Task.sleep(for: .milliseconds(5))
                depth.state.withLock { $0.now -= 1 }
            }
        }
        let steps = [StepID.createBucket, .createIAMServiceAccount, .createNamespace].map { id in
            Step(id: id, title: id.rawValue, why: "w", argv: ["/bin/sh", "-c", "for i in 1 2 3 4 5; do echo $i; sleep 0.01; done"], kind: .check)
        }
        let depth = Depth()
        _ = try await runner(steps, concurrency: 3).run(mode: .fresh, observer: Slow(depth: depth))
        XCTAssertEqual(depth.state.withLock { $0.most }, 1)
    }
}
