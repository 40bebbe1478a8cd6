import Cells
import Foundation
import RunModel
import SetupPlan
@testable import SetupRunner
import Synchronization
import Terminal
import WizardInbox
import WizardModel
import XCTest
@testable import WizardApp

/// The runtime loop with a scripted terminal: keys in, frames out, effects carried out, exit status and message.
final class SessionLoopTests: XCTestCase {
    private func setup(_ scratch: Scratch) -> SessionSetup {
        var options = RunOptions()
        options.environment = scratch.environment
        return SessionSetup(workspace: scratch.root.appendingPathComponent("ws").path, answers: .demo, journal: nil, options: options)
    }

    /// Welcome, every page, then the Review's key.
    private let toReview = Array(repeating: TerminalEvent.key(.enter), count: WizardPage.all.count + 1)

    func testDetectionStartsAfterTheFirstFrameAndQuitEndsTheLoop() throws {
        let scratch = try Scratch()
        let terminal = ScriptedTerminal([.key(.char("q")), .key(.char("y"))])
        let effects = RecordingEffects(terminal)
        let result = SessionLoop(state: setup(scratch).firstState(), terminal: terminal, effects: effects).run()
        XCTAssertEqual(result, SessionResult(code: 130, message: nil, error: nil), "quit before running")
        XCTAssertEqual(effects.performed.map(\.effect), [.detectEnvironment])
        XCTAssertEqual(effects.performed.first?.framesBefore, 1, "the first frame is drawn before the probes start")
        XCTAssertTrue(terminal.frames.first?.plainText.contains("Welcome") ?? false)
        XCTAssertEqual(terminal.lifecycle, ["start", "stop"])
    }

    func testSaveWritesTheWorkspaceFilesAndSaysHowToRunThem() throws {
        let scratch = try Scratch()
        let setup = setup(scratch)
        let terminal = ScriptedTerminal(toReview + [.key(.char("s"))])
        let result = SessionLoop(state: setup.firstState(), terminal: terminal, effects: SessionEffects(setup)).run()
        XCTAssertEqual(result.code, 0)
        XCTAssertEqual(result.message, WizardState.savedFilesMessage(PlanBuilder.build(setup.answers, checkScript: setup.checkScript), workspace: setup.workspace))
        for file in [WorkspaceFiles.answers, WorkspaceFiles.manifest, WorkspaceFiles.script] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: setup.folder.appendingPathComponent(file).path), file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: setup.folder.appendingPathComponent(WorkspaceFiles.journal).path), "nothing ran")
    }

    /// A SIGTERM during a run stops the run first (the engine is cancelled) and leaves once it has stopped, with the
    /// signal's exit status and how to resume.
    func testASignalDuringARunCancelsItAndLeavesWhenItStopped() throws {
        let scratch = try Scratch()
        let terminal = ScriptedTerminal(toReview)
        let effects = RecordingEffects(terminal)
        var pressedRun = false
        terminal.whenIdle = {
            // Run once preflight's verdict is in (Run waits for it), then the signal once the run is under way.
            if !pressedRun, terminal.frames.last?.plainText.contains("Preflight passed") == true {
                pressedRun = true
                return .key(.char("r"))
            }
            return effects.runStarted && !effects.performed.contains { $0.effect == .cancelRun } ? .signal(.terminate) : nil
        }
        let result = SessionLoop(state: setup(scratch).firstState(), terminal: terminal, effects: effects).run()
        XCTAssertEqual(result.code, 143, "\(effects.performed.map(\.effect))")
        XCTAssertTrue(result.message?.contains(WorkspaceFiles.resumeCommand(workspace: setup(scratch).workspace)) ?? false, "\(result)")
        XCTAssertEqual(effects.performed.filter { $0.effect == .cancelRun }.count, 1)
    }

    /// Starting a finished run over (the Resume screen's Start over) probes what exists: preflight, which would call the
    /// run's own cluster name taken, has no gate then, as for `apply` on that workspace.
    func testAFinishedRunStartedOverHasNoPreflightGate() throws {
        let scratch = try Scratch()
        let setup = setup(scratch)
        let plan = PlanBuilder.build(setup.answers, checkScript: setup.checkScript)
        XCTAssertNotNil(SessionEffects.gate(plan, setup: setup, earlier: nil), "nothing ran yet: preflight stands before the first create")
        var journal = try Journal.prepare(existing: nil, mode: .fresh, plan: plan, normalizedAnswers: AnswersFile.normalizedYAML(plan.answers),
                                          journalPath: setup.folder.appendingPathComponent(WorkspaceFiles.journal).path)
        for index in journal.steps.indices { journal.steps[index].status = .done }
        journal.result = .succeeded
        try FileManager.default.createDirectory(at: setup.folder, withIntermediateDirectories: true)
        try journal.save(workspace: setup.folder)
        XCTAssertNil(SessionEffects.gate(plan, setup: setup, earlier: nil))
    }

    func testTheLoopWaitsNoLongerThanTheNextThingDue() {
        let now = Date()
        XCTAssertEqual(LoopPolicy.keyWait(queued: true, dirty: true, lastDraw: now, running: true, now: now), 0)
        XCTAssertEqual(LoopPolicy.keyWait(queued: false, dirty: true, lastDraw: now, running: false, now: now), 16)
        XCTAssertEqual(LoopPolicy.keyWait(queued: false, dirty: false, lastDraw: now, running: true, now: now), 100)
        XCTAssertEqual(LoopPolicy.keyWait(queued: false, dirty: false, lastDraw: now, running: false, now: now), 250)
        XCTAssertFalse(LoopPolicy.isFrameDue(dirty: true, lastDraw: now, now: now.addingTimeInterval(0.01)))
        XCTAssertTrue(LoopPolicy.isFrameDue(dirty: true, lastDraw: now, now: now.addingTimeInterval(0.02)))
        XCTAssertFalse(LoopPolicy.isFrameDue(dirty: false, lastDraw: now, now: now.addingTimeInterval(1)))
    }
}

/// A terminal that plays keys and records frames; after its script it asks `whenIdle`, and gives up with a hang-up
/// (exit 129) after 30 seconds so a stuck loop fails the test instead of hanging it.
final class ScriptedTerminal: SessionTerminal {
    private var events: [TerminalEvent]
    var whenIdle: () -> TerminalEvent? = { nil }
    private(set) var frames: [Frame] = []
    private(set) var lifecycle: [String] = []
    private let deadline = Date().addingTimeInterval(30)

    init(_ events: [TerminalEvent]) { self.events = events }

    func start() throws { lifecycle.append("start") }
    func stop() { lifecycle.append("stop") }
    func size() -> Size { Size(columns: 80, rows: 24) }
    var isUTF8: Bool { true }
    func present(_ frame: Frame) { frames.append(frame) }

    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        if !frames.isEmpty, !events.isEmpty { return events.removeFirst() }
        if Date() > deadline { return .signal(.hangup) }
        if let event = whenIdle() { return event }
        if timeoutMilliseconds > 0 { usleep(UInt32(min(timeoutMilliseconds, 5)) * 1000) }
        return nil
    }
}

/// Records the effects the loop hands over; a run it is asked to start reports its start, and its end once cancelled;
/// preflight passes at once.
final class RecordingEffects: EffectPerformer, @unchecked Sendable {
    private(set) var performed: [(effect: WizardEffect, framesBefore: Int)] = []
    private let terminal: ScriptedTerminal
    private let started = Mutex(false)
    var runStarted: Bool { started.withLock { $0 } }

    init(_ terminal: ScriptedTerminal) { self.terminal = terminal }

    func perform(_ effect: WizardEffect, inbox: ActionInbox) {
        performed.append((effect, terminal.frames.count))
        switch effect {
        case .startRun(let plan, _, _):
            inbox.post(.runEvent(.runStarted(steps: plan.steps.count, statuses: plan.steps.map { _ in .pending })))
            inbox.post(.runEvent(.stepStarted(index: 0, stepID: plan.steps[0].id)))
            started.withLock { $0 = true }
        case .cancelRun:
            inbox.post(.runEvent(.runFinished(result: .interrupted, seconds: 1)))
        case .startPreflight(let answers):
            // Nothing stands in the way: Run may start.
            inbox.post(.preflightFinished(answers, [], waitsForAPIs: false))
        default:
            break
        }
    }
}
