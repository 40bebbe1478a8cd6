import XCTest
import Cells
import SetupPlan
import RunModel
@testable import WizardModel

final class ResumeAndQuitTests: XCTestCase {
    private func journal(failedAt: Int) -> JournalSummary {
        let plan = Fixtures.plan()
        let rows = plan.steps.enumerated().map { i, step in
            StepRow(id: step.id, title: step.title, status: i < failedAt ? .done : (i == failedAt ? .failed : .pending))
        }
        return JournalSummary(answers: Fixtures.answers, steps: rows, result: .failed)
    }

    func testAnUnfinishedJournalOpensTheResumeScreen() {
        let j = journal(failedAt: 6)
        let state = Fixtures.state(Fixtures.answers, journal: j)
        XCTAssertEqual(state.screen, .resume)
        XCTAssertEqual(j.stopIndex, 6)
        let store = TestStore(state)
        store.send(.start(terminalUTF8: true))  // no detection needed to resume
        let plan = Fixtures.plan()
        store.send(.key(.enter), effects: [.startRun(plan, mode: .resume, skipping: [])]) {
            $0.run = RunProgress(plan: plan, mode: .resume, previous: j.steps, startedAt: Fixtures.t0)
            $0.screen = .run
        }
    }

    func testStartOverProbesEverythingAgain() {
        let j = journal(failedAt: 6)
        let store = TestStore(Fixtures.state(Fixtures.answers, journal: j))
        let plan = Fixtures.plan()
        store.send(.key(.tab)) { $0.actionFocus = 1 }
        store.send(.key(.enter), effects: [.startRun(plan, mode: .fresh, skipping: [])]) {
            $0.run = RunProgress(plan: plan, mode: .fresh, previous: j.steps, startedAt: Fixtures.t0)
            $0.screen = .run
            $0.actionFocus = 0
        }
    }

    func testQuitOnTheResumeScreenKeepsTheJournal() {
        let store = TestStore(Fixtures.state(Fixtures.answers, journal: journal(failedAt: 2)))
        store.send(.key(.char("q")), effects: [.quit(1, message: "The journal is kept in kuberay-gcs-setup/state.json. Resume with:\n  kuberay-gcs-wizard resume --workspace kuberay-gcs-setup")])
    }

    func testAFinishedJournalStartsAtTheWelcome() {
        let plan = Fixtures.plan()
        let rows = plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .done) }
        let state = Fixtures.state(Fixtures.answers, journal: JournalSummary(answers: Fixtures.answers, steps: rows, result: .succeeded))
        XCTAssertEqual(state.screen, .welcome)
    }

    func testCtrlCAsksBeforeQuitting() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(1)
        let store = TestStore(state)
        store.send(.key(.ctrl("c"))) { $0.overlay = .confirmQuit }
        store.send(.key(.char("x")))
        store.send(.key(.char("n"))) { $0.overlay = nil }
        store.send(.key(.ctrl("c"))) { $0.overlay = .confirmQuit }
        store.send(.key(.escape)) { $0.overlay = nil }
        store.send(.key(.ctrl("c"))) { $0.overlay = .confirmQuit }
        store.send(.key(.char("y")), effects: [.quit(130, message: nil)]) { $0.overlay = nil }
    }

    func testCtrlCTwiceQuits() {
        let store = TestStore(Fixtures.state())
        store.send(.key(.ctrl("c"))) { $0.overlay = .confirmQuit }
        store.send(.key(.ctrl("c")), effects: [.quit(130, message: nil)]) { $0.overlay = nil }
    }

    func testATooSmallTerminalIgnoresKeysButCtrlCQuits() {
        let store = TestStore(Fixtures.state())
        store.send(.resize(Size(columns: 40, rows: 10))) { $0.size = Size(columns: 40, rows: 10) }
        store.send(.key(.enter))
        store.send(.key(.ctrl("c")), effects: [.quit(130, message: nil)])
        store.send(.resize(.minimum)) { $0.size = .minimum }
        store.send(.key(.enter)) { $0.screen = .page(0) }
    }
}
