import XCTest
import Cells
import SetupPlan
import RunModel
@testable import WizardModel

/// What the runtime reports about the terminal and the process: its UTF-8 capability at start, signals from outside.
final class StartAndSignalTests: XCTestCase {
    let plan = Fixtures.plan()
    let resumeMessage = "The journal is kept in kuberay-gcs-setup/state.json. Resume with:\n"
        + "  kuberay-gcs-wizard resume --workspace kuberay-gcs-setup"

    private func runStore() -> TestStore {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .run
        state.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
        return TestStore(state)
    }

    func testATerminalWithoutUTF8DrawsWithASCII() {
        let store = TestStore(Fixtures.state())
        store.send(.start(terminalUTF8: false), effects: [.detectEnvironment]) { $0.asciiOnly = true }
        let utf8 = TestStore(Fixtures.state())
        utf8.send(.start(terminalUTF8: true), effects: [.detectEnvironment])
        XCTAssertFalse(utf8.state.asciiOnly)
    }

    func testASignalWithoutARunQuitsAtOnceWithItsStatus() {
        let store = TestStore(Fixtures.state())
        XCTAssertFalse(store.state.isRunActive)
        store.send(.signal(exitStatus: 143), effects: [.quit(143, message: nil)])
    }

    func testASignalDuringARunStopsItThenQuitsSayingHowToResume() {
        let store = runStore()
        XCTAssertTrue(store.state.isRunActive)
        store.send(.signal(exitStatus: 130), effects: [.cancelRun]) {
            $0.run?.stopping = true
            $0.exitAfterRun = 130
        }
        store.send(.signal(exitStatus: 143)) { $0.exitAfterRun = 143 }  // already stopping: the last status wins
        store.send(.runEvent(.runFinished(result: .interrupted, seconds: 4)), effects: [.quit(143, message: resumeMessage)]) {
            $0.run?.result = .interrupted
            $0.run?.seconds = 4
            $0.run?.stopping = false
            $0.journal = JournalSummary(answers: Fixtures.answers, steps: $0.run?.rows ?? [], result: .interrupted)
            $0.screen = .stopped
            $0.exitAfterRun = nil
        }
        XCTAssertFalse(store.state.isRunActive)
    }

    func testASignalWhileARunIsRefusedQuitsOnceTheRefusalArrives() {
        let store = runStore()
        store.send(.signal(exitStatus: 130), effects: [.cancelRun]) {
            $0.run?.stopping = true
            $0.exitAfterRun = 130
        }
        store.send(.runFailedToStart("state.json was written for other answers"), effects: [.quit(130, message: resumeMessage)]) {
            $0.run?.startError = "state.json was written for other answers"
            $0.run?.stopping = false
            $0.screen = .stopped
            $0.exitAfterRun = nil
        }
    }
}
