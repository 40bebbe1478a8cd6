import XCTest
import Cells
import SetupPlan
import RunModel
@testable import WizardModel

/// The Destroy entry: from a finished run on the Welcome screen, the preview, the confirmation, and the run.
final class DestroyTests: XCTestCase {
    private func finished() -> JournalSummary {
        let rows = Fixtures.plan().steps.map { StepRow(id: $0.id, title: $0.title, status: .done) }
        return JournalSummary(answers: Fixtures.answers, steps: rows, result: .succeeded)
    }

    private func expectedPlan(deleteBucket: Bool) -> DestroyPlan {
        let records = Dictionary(uniqueKeysWithValues: Fixtures.plan().steps.map { ($0.id, SetupRecord.done) })
        return DestroyPlanBuilder.build(setup: Fixtures.plan(), records: records, options: DestroyOptions(deleteBucket: deleteBucket))
    }

    func testWelcomeOfAFinishedRunOpensThePreviewAndBackReturns() {
        let state = Fixtures.state(Fixtures.answers, journal: finished())
        XCTAssertTrue(state.offersDestroyOnWelcome)
        let store = TestStore(state)
        store.send(.key(.char("d"))) {
            $0.destroy = DestroyState(plan: self.expectedPlan(deleteBucket: false), canDeleteBucket: true,
                                      width: Layout.destroyPane($0.size).columns, returnTo: .welcome)
            $0.screen = .destroy
        }
        store.send(.key(.escape)) {
            $0.destroy = nil
            $0.screen = .welcome
        }
    }

    func testNothingRunsUntilTheBucketNameIsTyped() {
        var state = Fixtures.state(Fixtures.answers, journal: finished())
        _ = update(&state, .key(.char("d")))
        _ = update(&state, .key(.char("b")))
        XCTAssertEqual(state.destroy?.plan, expectedPlan(deleteBucket: true))
        let store = TestStore(state)
        let plan = expectedPlan(deleteBucket: true)
        store.send(.key(.char("d")), effects: [.readBucketUsage(plan.bucketContents)]) { $0.overlay = .confirmDestroy }
        store.send(.bucketUsageRead("3 objects, 10 bytes (10B)")) { $0.destroy?.usage = "3 objects, 10 bytes (10B)" }
        store.send(.key(.enter)) { $0.message = "Type \(Fixtures.answers.bucket.name) to delete it, or Esc to go back." }
        store.type(String(Fixtures.answers.bucket.name.dropLast())) {
            $0.destroy?.typed = LineEditor(String(Fixtures.answers.bucket.name.dropLast()))
            $0.message = nil
        }
        store.send(.key(.enter)) { $0.message = "Type \(Fixtures.answers.bucket.name) to delete it, or Esc to go back." }
        store.type(String(Fixtures.answers.bucket.name.last ?? "x")) {
            $0.destroy?.typed = LineEditor(Fixtures.answers.bucket.name)
            $0.message = nil
        }
        store.send(.key(.enter), effects: [.startDestroy(plan.plan, mode: .fresh, skipping: [])]) {
            $0.run = RunProgress(plan: plan.plan, mode: .fresh, previous: self.finished().steps, startedAt: Fixtures.t0)
            $0.screen = .run
            $0.overlay = nil
            $0.actionFocus = 0
        }
    }

    func testAFinishedDestroyLeavesNoRunToResumeOrDestroy() {
        var state = Fixtures.state(Fixtures.answers, journal: finished())
        _ = update(&state, .key(.char("d")))
        _ = update(&state, .key(.char("d")))
        XCTAssertEqual(state.overlay, .confirmDestroy)
        let effects = update(&state, .key(.char("y")))
        guard case .startDestroy(let plan, _, _)? = effects.first else { return XCTFail("\(effects)") }
        _ = update(&state, .runEvent(.runStarted(steps: plan.steps.count, statuses: plan.steps.map { _ in .pending })))
        _ = update(&state, .runEvent(.runFinished(result: .succeeded, seconds: 1)))
        XCTAssertEqual(state.screen, .done)
        XCTAssertNil(state.journal)
        XCTAssertFalse(state.offersDestroyOnWelcome)
        XCTAssertEqual(update(&state, .key(.char("q"))), [.quit(0, message: state.destroyedExitMessage)])
        XCTAssertTrue(state.destroyedExitMessage.hasPrefix("Destroyed what the run in kuberay-gcs-setup created."))
    }

    /// A destroy that deleted the bucket too and stopped half way: the wizard opens on the Resume screen, which
    /// continues that destroy (bucket included, as confirmed when it started), not the setup run.
    func testAnUnfinishedDestroyIsContinuedFromTheResumeScreen() {
        let plan = expectedPlan(deleteBucket: true)
        let rows = plan.plan.steps.enumerated().map { i, step in
            StepRow(id: step.id, title: step.title, status: i < 3 ? .done : (i == 3 ? .failed : .pending))
        }
        let unfinished = JournalSummary(answers: Fixtures.answers, steps: rows, result: .failed)
        let state = WizardState(answers: Fixtures.answers, workspace: Fixtures.workspace, checkScript: Fixtures.checkScript, now: Fixtures.t0,
                                journal: finished(), destroyJournal: unfinished)
        XCTAssertEqual(state.screen, .resume)
        XCTAssertEqual(state.resumeActions, [.resume, .quit])
        XCTAssertEqual(state.keyContext, .resumeDestroy)
        XCTAssertFalse(KeyBindings.bindings(state.keyContext).contains { [.action(.startOver), .action(.destroy)].contains($0.command) },
                       "the keys overlay offers only what the screen does")
        let store = TestStore(state)
        store.send(.key(.char("o")))  // start over belongs to a setup run: not offered here
        store.send(.key(.char("r")), effects: [.startDestroy(plan.plan, mode: .fresh, skipping: [])]) {
            $0.destroy = DestroyState(plan: plan, canDeleteBucket: true, width: Layout.destroyPane($0.size).columns, returnTo: .resume)
            $0.destroyJournal = nil
            $0.run = RunProgress(plan: plan.plan, mode: .fresh, previous: rows, startedAt: Fixtures.t0)
            $0.screen = .run
        }
    }

    func testQuittingAnUnfinishedDestroyNamesItsJournal() {
        let rows = expectedPlan(deleteBucket: false).plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .pending) }
        var state = WizardState(answers: Fixtures.answers, workspace: Fixtures.workspace, checkScript: Fixtures.checkScript, now: Fixtures.t0,
                                journal: finished(), destroyJournal: JournalSummary(answers: Fixtures.answers, steps: rows, result: .interrupted))
        XCTAssertEqual(update(&state, .key(.char("q"))), [.quit(1, message: """
            The journal is kept in \(Fixtures.workspace)/destroy-state.json. Resume with:
              kuberay-gcs-wizard resume --workspace \(Fixtures.workspace)
            """)])
    }

    func testEditingAnswersLeavesTheDestroySoARunIsASetupAgain() {
        var state = Fixtures.state(Fixtures.answers, journal: finished())
        _ = update(&state, .key(.char("d")))
        XCTAssertNotNil(state.destroy)
        state.enterPage(0)
        XCTAssertNil(state.destroy)
    }
}
