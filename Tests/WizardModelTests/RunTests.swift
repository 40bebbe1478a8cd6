import XCTest
import Cells
import SetupPlan
import RunModel
@testable import WizardModel

final class RunTests: XCTestCase {
    let plan = Fixtures.plan()

    /// A store on the run screen right after Run was pressed.
    private func runStore() -> TestStore {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .run
        state.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
        return TestStore(state)
    }

    private func outcome(_ index: Int, _ status: StepStatus, seconds: Double = 2, exitCode: Int32? = 0, hint: Hint? = nil,
                         stderr: [String] = [], result: String? = nil) -> StepOutcome {
        StepOutcome(index: index, stepID: plan.steps[index].id, status: status, exitCode: exitCode, hint: hint, seconds: seconds,
                    logPath: WorkspaceFiles.logPath(index: index, stepID: plan.steps[index].id), stderrTail: stderr, result: result)
    }

    /// An empty output tail of step `index`, as a started step gets.
    private func tail(_ index: Int) -> OutputTail {
        var tail = OutputTail()
        tail.reset(stepID: plan.steps[index].id)
        return tail
    }

    /// Two steps at once: each keeps its own output, the pane follows the newest, and when the shown one ends the
    /// other still running takes over.
    func testStepsRunningAtOnceKeepTheirOwnOutputAndThePaneFollowsThem() {
        let store = runStore()
        let t1 = Fixtures.t0.addingTimeInterval(1)
        store.send(.runEvent(.stepStarted(index: 1, stepID: plan.steps[1].id))) {
            $0.run?.rows[1].status = .running
            $0.run?.rows[1].startedAt = Fixtures.t0
            $0.run?.current = 1
            $0.run?.selected = 1
            $0.run?.tails[1] = self.tail(1)
        }
        store.send(.tick(t1)) { $0.now = t1 }
        store.send(.runEvent(.stepStarted(index: 2, stepID: plan.steps[2].id))) {
            $0.run?.rows[2].status = .running
            $0.run?.rows[2].startedAt = t1
            $0.run?.current = 2
            $0.run?.selected = 2
            $0.run?.tails[2] = self.tail(2)
        }
        store.send(.runEvent(.output(index: 1, stepID: plan.steps[1].id, stream: .stdout, line: "from one"))) {
            $0.run?.tails[1]?.append("from one")
        }
        store.send(.runEvent(.output(index: 2, stepID: plan.steps[2].id, stream: .stdout, line: "from two"))) {
            $0.run?.tails[2]?.append("from two")
        }
        XCTAssertEqual(store.state.run?.runningIndices, [1, 2])
        XCTAssertEqual(Array(store.state.run?.shownTail?.lines ?? []), ["from two"])
        store.send(.runEvent(.stepFinished(outcome(2, .done)))) {
            $0.run?.rows[2].status = .done
            $0.run?.rows[2].seconds = 2
            $0.run?.outcomes[2] = self.outcome(2, .done)
            $0.run?.current = 1
            $0.run?.selected = 1
        }
        XCTAssertEqual(Array(store.state.run?.shownTail?.lines ?? []), ["from one"])
        // A step chosen by hand keeps its output in view after it ended.
        store.send(.key(.down)) {
            $0.run?.selected = 2
            $0.run?.followsCurrent = false
        }
        XCTAssertEqual(Array(store.state.run?.shownTail?.lines ?? []), ["from two"])
    }

    func testEventsMoveTheStepsAlong() {
        let store = runStore()
        let n = plan.steps.count
        var statuses = Array(repeating: StepStatus.pending, count: n)
        statuses[0] = .done
        store.send(.tick(Fixtures.t0.addingTimeInterval(0.1))) { $0.now = Fixtures.t0.addingTimeInterval(0.1) }
        store.send(.runEvent(.runStarted(steps: n, statuses: statuses))) {
            $0.run?.rows[0].status = .done
            $0.run?.startedAt = Fixtures.t0.addingTimeInterval(0.1)
        }
        store.send(.runEvent(.stepStarted(index: 1, stepID: plan.steps[1].id))) {
            $0.run?.rows[1].status = .running
            $0.run?.rows[1].startedAt = Fixtures.t0.addingTimeInterval(0.1)
            $0.run?.current = 1
            $0.run?.selected = 1
            $0.run?.tails[1] = self.tail(1)
        }
        store.send(.runEvent(.stepNote(index: 1, stepID: plan.steps[1].id, note: RunNote.probing))) {
            $0.run?.rows[1].note = RunNote.probing
        }
        store.send(.runEvent(.output(index: 1, stepID: plan.steps[1].id, stream: .stdout, line: "\u{1B}[32mClient Version: v1.31\u{1B}[0m"))) {
            $0.run?.tails[1]?.append("Client Version: v1.31")
            $0.run?.rows[1].note = nil  // output: the probe is over
        }
        XCTAssertEqual(Array(store.state.run?.shownTail?.lines ?? []), ["Client Version: v1.31"])
        store.send(.runEvent(.output(index: 0, stepID: plan.steps[0].id, stream: .stdout, line: "late line of another step")))
        store.send(.runEvent(.stepFinished(outcome(1, .alreadyDone, seconds: 0.5)))) {
            $0.run?.rows[1].status = .alreadyDone
            $0.run?.rows[1].seconds = 0.5
            $0.run?.outcomes[1] = self.outcome(1, .alreadyDone, seconds: 0.5)
        }
        XCTAssertEqual(store.state.run?.completedCount, 2)
        store.send(.runEvent(.stepStarted(index: 99, stepID: .createNodePool(group: "nope"))))  // out of range: ignored, no crash
    }

    /// The run screen with its first step started.
    private func stateRunningFirstStep() -> WizardState {
        let store = runStore()
        store.send(.runEvent(.stepStarted(index: 0, stepID: plan.steps[0].id))) {
            $0.run?.rows[0].status = .running
            $0.run?.rows[0].startedAt = Fixtures.t0
            $0.run?.current = 0
            $0.run?.tails[0] = self.tail(0)
        }
        return store.state
    }

    func testTheOutputTailStaysBounded() {
        var state = stateRunningFirstStep()
        for i in 0..<100_000 {
            _ = update(&state, .runEvent(.output(index: 0, stepID: plan.steps[0].id, stream: .stdout, line: "line \(i)")))
        }
        let tail = state.run?.tails[0]
        XCTAssertEqual(tail?.lines.count, 500)
        XCTAssertEqual(tail?.lines.first, "line 99500")
        XCTAssertEqual(tail?.lines.last, "line 99999")
        XCTAssertEqual(tail?.total, 100_000)
    }

    func testAReadsLinesArriveTogetherAndOnlyTheTailIsKept() {
        var state = stateRunningFirstStep()
        let id = plan.steps[0].id
        _ = update(&state, .runOutput(OutputLines(index: 0, stepID: id, stream: .stdout, lines: (0..<1_200).map { "a \($0)" })))
        _ = update(&state, .runOutput(OutputLines(index: 0, stepID: id, stream: .stderr, lines: ["\u{1B}[31mb 0\u{1B}[0m", "b 1"])))
        // Lines of a step this run did not start are not kept.
        _ = update(&state, .runOutput(OutputLines(index: 1, stepID: plan.steps[1].id, stream: .stdout, lines: ["stray"])))
        XCTAssertNil(state.run?.tails[1])
        let tail = state.run?.tails[0]
        XCTAssertEqual(tail?.total, 1_202)
        XCTAssertEqual(tail?.lines.count, 500)
        XCTAssertEqual(tail?.lines.first, "a 702")
        XCTAssertEqual(Array(tail?.lines.suffix(3) ?? []), ["a 1199", "b 0", "b 1"])
    }

    func testCtrlCDuringARunStopsTheStepWithoutAsking() {
        let store = runStore()
        store.send(.key(.ctrl("c")), effects: [.cancelRun]) { $0.run?.stopping = true }
        store.send(.key(.ctrl("c")))  // already stopping
        store.send(.runEvent(.stepFinished(outcome(3, .interrupted, seconds: 1, exitCode: nil)))) {
            $0.run?.rows[3].status = .interrupted
            $0.run?.rows[3].seconds = 1
            $0.run?.outcomes[3] = self.outcome(3, .interrupted, seconds: 1, exitCode: nil)
        }
        store.send(.runEvent(.runFinished(result: .interrupted, seconds: 9))) {
            $0.run?.result = .interrupted
            $0.run?.seconds = 9
            $0.run?.stopping = false
            $0.run?.selected = 3
            $0.journal = JournalSummary(answers: Fixtures.answers, steps: $0.run?.rows ?? [], result: .interrupted)
            $0.screen = .stopped
        }
        XCTAssertEqual(store.state.stoppedActions, [.resume, .editAnswers, .quit])
        var expectedRun = RunProgress(plan: plan, mode: .resume, previous: store.state.run?.rows ?? [], startedAt: Fixtures.t0)
        expectedRun.rows[3].status = .interrupted
        store.send(.key(.enter), effects: [.startRun(plan, mode: .resume, skipping: [])]) {
            $0.run = expectedRun
            $0.screen = .run
        }
    }

    /// Runs to a failure of step 5 and returns the store on the stopped screen.
    private func failedStore() -> (TestStore, StepOutcome) {
        let store = runStore()
        let failure = outcome(5, .failed, seconds: 3.2, exitCode: 1, hint: Hint(summary: "Permission denied.", fix: "Ask for roles/iam.serviceAccountAdmin."),
                              stderr: ["ERROR: (gcloud) PERMISSION_DENIED"])
        store.send(.runEvent(.stepFinished(failure))) {
            $0.run?.rows[5].status = .failed
            $0.run?.rows[5].seconds = 3.2
            $0.run?.outcomes[5] = failure
        }
        store.send(.runEvent(.runFinished(result: .failed, seconds: 30))) {
            $0.run?.result = .failed
            $0.run?.seconds = 30
            $0.run?.selected = 5
            $0.journal = JournalSummary(answers: Fixtures.answers, steps: $0.run?.rows ?? [], result: .failed)
            $0.screen = .stopped
        }
        XCTAssertEqual(store.state.stoppedActions, [.retry, .skip, .editAnswers, .quit])
        return (store, failure)
    }

    func testRetryContinuesTheJournal() {
        let (store, _) = failedStore()
        let rows = store.state.run?.rows ?? []
        store.send(.key(.char("r")), effects: [.startRun(plan, mode: .resume, skipping: [])]) {
            $0.run = RunProgress(plan: self.plan, mode: .resume, previous: rows, startedAt: Fixtures.t0)
            $0.screen = .run
        }
        XCTAssertEqual(store.state.run?.rows[5].status, .failed, "shown as failed until the engine starts it again")
    }

    func testSkipWarnsAndSkipsTheFailedStep() {
        let (store, failure) = failedStore()
        store.send(.key(.tab)) { $0.actionFocus = 1 }
        XCTAssertTrue(store.state.skipWarning(for: failure.stepID).contains("will not be done") ||
                      store.state.skipWarning(for: failure.stepID).contains("Skipping"))
        let rows = store.state.run?.rows ?? []
        store.send(.key(.enter), effects: [.startRun(plan, mode: .resume, skipping: [failure.stepID])]) {
            $0.run = RunProgress(plan: self.plan, mode: .resume, skipping: [failure.stepID], previous: rows, startedAt: Fixtures.t0)
            $0.screen = .run
            $0.actionFocus = 0
        }
    }

    func testEditAnswersGoesBackToThePagesAndRunsReplanWithChanges() {
        let (store, _) = failedStore()
        store.send(.key(.char("e"))) { $0.screen = .page(0) }
        store.send(.key(.enter)) { $0.screen = .page(1) }
        store.send(.key(.right)) {
            $0.answers.cluster.mode = .createAutopilot
            $0.edited = ["cluster.mode"]
        }
        store.send(keys: [.enter, .enter, .enter, .enter, .enter]) { $0.screen = .page(WizardPage.all.count - 1) }
        var changed = Fixtures.answers
        changed.cluster.mode = .createAutopilot
        let newPlan = Fixtures.plan(changed)
        store.send(.key(.enter), effects: [.startPreflight(changed)]) {
            $0.screen = .review
            $0.review = ReviewState(plan: newPlan, width: 76)
            $0.review?.preflight = PreflightProgress(answers: changed, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        }
        store.send(.preflightFinished(changed, [], waitsForAPIs: false)) {
            $0.review?.preflight?.list.finish([])
            $0.review?.preflight?.phase = .finished(waitsForAPIs: false)
        }
        let rows = store.state.run?.rows ?? []
        store.send(.key(.char("r")), effects: [.startRun(newPlan, mode: .replan, skipping: [])]) {
            $0.run = RunProgress(plan: newPlan, mode: .replan, previous: rows, startedAt: Fixtures.t0)
            $0.screen = .run
        }
        XCTAssertEqual(store.state.run?.rows.first?.status, .pending)
    }

    func testQuitAfterAFailureKeepsTheJournalAndSaysHowToResume() {
        let (store, _) = failedStore()
        store.send(.key(.char("q")), effects: [.quit(1, message: "The journal is kept in kuberay-gcs-setup/state.json. Resume with:\n  kuberay-gcs-wizard resume --workspace kuberay-gcs-setup")])
    }

    func testTheFailedStepsLogOpensFullScreenAndScrolls() {
        let (store, failure) = failedStore()
        store.send(.key(.char("l")), effects: [.loadLog(stepID: failure.stepID, path: failure.logPath)]) {
            $0.log = LogView(stepID: failure.stepID, title: "6. \(self.plan.steps[5].title)", path: failure.logPath)
            $0.overlay = .log
        }
        let lines = (1...100).map { "log line \($0)" }
        let pane = Layout.logPane(.minimum)
        store.send(.logLoaded(stepID: .createNodePool(group: "other"), result: .lines(["stale"])))
        store.send(.logLoaded(stepID: failure.stepID, result: .lines(lines))) {
            var text = ScrollView(lines, width: pane.columns)
            text.scrollToBottom(rows: pane.rows)
            $0.log?.text = text
        }
        XCTAssertEqual(store.state.log?.text?.offset, 100 - pane.rows)
        store.send(.key(.home)) { $0.log?.text?.scrollToTop() }
        store.send(.key(.pageDown)) { $0.log?.text?.scroll(by: pane.rows - 1, rows: pane.rows) }
        store.send(.key(.escape)) {
            $0.log = nil
            $0.overlay = nil
        }
    }

    func testARefusalToStartCanBeRetriedOrEdited() {
        let store = runStore()
        store.send(.runFailedToStart("state.json was written for other answers")) {
            $0.run?.startError = "state.json was written for other answers"
            $0.screen = .stopped
        }
        XCTAssertEqual(store.state.stoppedActions, [.retry, .editAnswers, .quit])
        store.send(.key(.enter), effects: [.startRun(plan, mode: .fresh, skipping: [])]) {
            $0.run = RunProgress(plan: self.plan, mode: .fresh, startedAt: Fixtures.t0)
            $0.screen = .run
        }
    }

    /// The gate read again and stopped the run: Review's earlier checklist is stale, so Review checks anew.
    func testAGateThatStopsTheRunSendsReviewBackToItsChecks() {
        var state = Fixtures.state(Fixtures.answers)
        _ = update(&state, .key(.enter))
        state.review = ReviewState(plan: plan, width: 76)
        state.review?.preflight = PreflightProgress(answers: plan.answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        state.review?.preflight?.phase = .finished(waitsForAPIs: true)
        state.screen = .run
        state.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
        _ = update(&state, .runEvent(.gateFinished(GateVerdict(passed: false, summary: "Preflight stopped the run: GPU quota 0"))))
        XCTAssertNil(state.review?.preflight)
        XCTAssertEqual(state.enterReview(), [.startPreflight(plan.answers)])
    }

    /// Stopped by the gate, nothing failed: no step to retry or skip. The first button (and c) opens Review, which reads
    /// the checks again and shows what stops the run with its fix; e edits the answers from there or from here.
    func testAStopByTheGateOffersTheChecksNotARetryOrSkip() {
        var state = Fixtures.state(Fixtures.answers)
        _ = update(&state, .key(.enter))
        state.screen = .run
        state.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
        _ = update(&state, .runEvent(.gateFinished(GateVerdict(passed: false, summary: "Preflight stops the run: GPU quota in us-west1."))))
        _ = update(&state, .runEvent(.runFinished(result: .failed, seconds: 30)))
        XCTAssertEqual(state.screen, .stopped)
        XCTAssertEqual(state.run?.stoppedByPreflight, true)
        XCTAssertEqual(state.stoppedActions, [.showChecks, .editAnswers, .quit])
        XCTAssertEqual(update(&state, .key(.char("s"))), [], "no step to skip")
        XCTAssertEqual(state.screen, .stopped)
        var viaKey = state
        XCTAssertEqual(update(&viaKey, .key(.char("c"))), [.startPreflight(plan.answers)])
        XCTAssertEqual(viaKey.screen, .review)
        XCTAssertEqual(update(&state, .key(.enter)), [.startPreflight(plan.answers)])
        XCTAssertEqual(state.screen, .review)
        XCTAssertEqual(state.review?.preflight?.isChecking, true, "the checks are read again")

        // A step that failed after a gate that passed keeps Retry and Skip.
        var failed = Fixtures.state(Fixtures.answers)
        failed.screen = .run
        failed.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
        _ = update(&failed, .runEvent(.gateFinished(GateVerdict(passed: true, summary: "Preflight passed: 7 checks hold."))))
        _ = update(&failed, .runEvent(.stepFinished(outcome(3, .failed, exitCode: 1))))
        _ = update(&failed, .runEvent(.runFinished(result: .failed, seconds: 30)))
        XCTAssertEqual(failed.run?.stoppedByPreflight, false)
        XCTAssertEqual(failed.stoppedActions, [.retry, .skip, .editAnswers, .quit])
    }

    func testSuccessShowsDoneWithTheTextReadBack() {
        let store = runStore()
        let last = plan.steps.count - 1
        let verify = outcome(last, .done, seconds: 4, result: "Hello, Ray on GKE!")
        store.send(.runEvent(.stepFinished(verify))) {
            $0.run?.rows[last].status = .done
            $0.run?.rows[last].seconds = 4
            $0.run?.outcomes[last] = verify
        }
        store.send(.runEvent(.runFinished(result: .succeeded, seconds: 600))) {
            $0.run?.result = .succeeded
            $0.run?.seconds = 600
            $0.journal = JournalSummary(answers: Fixtures.answers, steps: $0.run?.rows ?? [], result: .succeeded)
            $0.screen = .done
        }
        XCTAssertEqual(store.state.run?.verifyResult, "Hello, Ray on GKE!")
        let message = "Ray on GKE is ready. The Ray dashboard on localhost (until Ctrl-C):\n  kuberay-gcs-wizard session --workspace kuberay-gcs-setup\n"
            + "Run a job as the bucket's identity:\n  kuberay-gcs-wizard submit --workspace kuberay-gcs-setup -- ENTRYPOINT\nWorkspace files: kuberay-gcs-setup"
        store.send(.key(.char("q")), effects: [.quit(0, message: message)])
    }

    /// A run store whose run has just succeeded: on the Done screen.
    private func doneStore() -> TestStore {
        let store = runStore()
        store.send(.runEvent(.runFinished(result: .succeeded, seconds: 600))) {
            $0.run?.result = .succeeded
            $0.run?.seconds = 600
            $0.journal = JournalSummary(answers: Fixtures.answers, steps: $0.run?.rows ?? [], result: .succeeded)
            $0.screen = .done
        }
        return store
    }

    func testSOnTheDoneScreenEndsTheWizardIntoSession() {
        let store = doneStore()
        store.send(.key(.char("s")), effects: [.endWizard(then: .session, message: store.state.doneExitMessage)])
        XCTAssertTrue(store.state.doneExitMessage.contains("kuberay-gcs-wizard submit --workspace kuberay-gcs-setup -- ENTRYPOINT"))
    }

    func testJOnTheDoneScreenEndsTheWizardIntoSubmitOfTheExampleJob() {
        let store = doneStore()
        let argv = RayJobManifest.exampleArgv(Fixtures.answers)
        store.send(.key(.char("j")), effects: [.endWizard(then: .submit(argv: argv), message: store.state.doneExitMessage)])
        // The job `submit` runs is the workspace's example: the program of rayjob.yaml, writing its object to the bucket.
        XCTAssertEqual(Array(argv.prefix(2)), ["python", "-c"])
        XCTAssertEqual(RayJobManifest.exampleEntrypoint(Fixtures.answers), "python -c \"\(argv[2])\"")
        XCTAssertTrue(argv[2].contains("/b/my-bucket/o?uploadType=media&name=rayjob-example.txt"), argv[2])
        let binding = KeyBindings.bindings(.done).first { $0.command == .submitExample }
        XCTAssertEqual(binding?.keys, [.char("j")])
        XCTAssertEqual(binding?.inFooter, true, "the footer lists j")
        XCTAssertEqual(KeyBindings.bindings(.done).filter { $0.keys.contains(.char("j")) }.count, 1, "j means one thing on Done")
    }

    func testSelectingAStepStopsFollowingTheRunningOne() {
        let store = runStore()
        store.send(.runEvent(.stepStarted(index: 2, stepID: plan.steps[2].id))) {
            $0.run?.rows[2].status = .running
            $0.run?.rows[2].startedAt = Fixtures.t0
            $0.run?.current = 2
            $0.run?.selected = 2
            $0.run?.tails[2] = self.tail(2)
        }
        store.send(.key(.up)) {
            $0.run?.selected = 1
            $0.run?.followsCurrent = false
        }
        store.send(.runEvent(.stepStarted(index: 3, stepID: plan.steps[3].id))) {
            $0.run?.rows[3].status = .running
            $0.run?.rows[3].startedAt = Fixtures.t0
            $0.run?.current = 3
            $0.run?.tails[3] = self.tail(3)
        }
        store.send(keys: [.down, .down]) {
            $0.run?.selected = 3
            $0.run?.followsCurrent = true
        }
        store.send(.key(.char("l")), effects: [.loadLog(stepID: plan.steps[3].id, path: WorkspaceFiles.logPath(index: 3, stepID: plan.steps[3].id))]) {
            $0.log = LogView(stepID: self.plan.steps[3].id, title: "4. \(self.plan.steps[3].title)",
                             path: WorkspaceFiles.logPath(index: 3, stepID: self.plan.steps[3].id))
            $0.overlay = .log
        }
    }
}
