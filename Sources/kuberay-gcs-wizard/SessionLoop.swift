import RunViews
import Diagnosis
import Foundation
import RunModel
import SetupPlan
import SetupRunner
import Terminal
import WizardInbox
import WizardModel
import WizardResources
import WizardView

/// The runtime loop: keys -> update -> effects -> runner -> events -> update -> render -> present.
/// Lives on one thread with the terminal; background work reports through the inbox.
final class SessionLoop {
    private let setup: SessionSetup
    private let terminal: Terminal
    private let inbox = ActionInbox()
    private var state: WizardState
    private var runner: SetupRunner?
    /// Set by the `.quit` effect: the loop ends and the session returns them.
    private var exitCode: Int32?
    private var exitMessage: String?
    private var dirty = true
    private var lastDraw = Date.distantPast
    /// Detection asked for before the first frame: started right after it is drawn, so the probes' seven
    /// process launches do not compete with the first frame for the CPU.
    private var detectionDeferred = false

    /// Redraws at most this often while output streams in; a key after a pause draws at once.
    private static let frameInterval = 1.0 / 60
    /// Clock ticks while a run is going (spinner, elapsed times).
    private static let tickInterval = 0.1
    /// How long one turn of the loop may spend applying queued actions before it reads keys and draws.
    private static let actionBudget = 0.008

    init(_ setup: SessionSetup) {
        self.setup = setup
        self.terminal = Terminal(options: Terminal.Options(colors: setup.colors))
        self.state = WizardState(answers: setup.answers, workspace: setup.workspace, helpTexts: setup.helpTexts,
                                 checkScript: setup.checkScript, now: Date(), journal: setup.journal)
    }

    func run() -> SessionResult {
        do {
            try terminal.start()
        } catch {
            return SessionResult(code: 2, error: "error: cannot use the terminal: \(error)")
        }
        dispatch(.resize(terminal.size()))
        dispatch(.start(terminalUTF8: terminal.isUTF8))
        while exitCode == nil {
            drawIfDue()
            pollTerminal()
            applyQueuedActions()
            if state.isRunActive || state.isDoctorActive, Date().timeIntervalSince(state.now) >= Self.tickInterval {
                dispatch(.tick(Date()))
            }
        }
        terminal.stop()
        return SessionResult(code: exitCode ?? 0, message: exitMessage)
    }

    /// Applies queued run events and results for at most a few milliseconds, so keys and frames never wait
    /// behind a step that prints faster than the model takes it in; the rest waits for the next turn.
    private func applyQueuedActions() {
        let deadline = Date().addingTimeInterval(Self.actionBudget)
        repeat {
            // Small batches, so the budget is checked often.
            let batch = inbox.drain(limit: 8)
            if batch.isEmpty { return }
            for action in batch { dispatch(action) }
        } while Date() < deadline
    }

    /// Applies an action and carries out its effects.
    private func dispatch(_ action: WizardAction) {
        // Keep the model's clock fresh before anything that may record a time (a run or step start).
        if case .tick = action {} else if Date().timeIntervalSince(state.now) > 0.05 {
            _ = update(&state, .tick(Date()))
        }
        let effects = update(&state, action)
        dirty = true
        for effect in effects { perform(effect) }
    }

    private func drawIfDue() {
        guard dirty, Date().timeIntervalSince(lastDraw) >= Self.frameInterval else { return }
        terminal.present(WizardView.render(state, size: state.size))
        lastDraw = Date()
        dirty = false
        if detectionDeferred {
            detectionDeferred = false
            detectEnvironment()
        }
    }

    /// Waits for input no longer than the next thing due (a frame, a tick), then takes every key already typed.
    private func pollTerminal() {
        let timeout: Int
        if !inbox.isEmpty {
            // Queued work goes on at once; waiting for the next frame here would halve what the model takes in.
            timeout = 0
        } else if dirty {
            timeout = max(1, Int((Self.frameInterval - Date().timeIntervalSince(lastDraw)) * 1000))
        } else {
            timeout = state.isRunActive ? Int(Self.tickInterval * 1000) : 250
        }
        var wait = timeout
        for _ in 0..<256 {
            guard let event = terminal.nextEvent(timeoutMilliseconds: wait) else { return }
            handle(event)
            wait = 0
            if exitCode != nil { return }
        }
    }

    private func handle(_ event: TerminalEvent) {
        switch event {
        case .key(let key):
            dispatch(.key(key))
        case .resize(let size):
            dispatch(.resize(size))
        case .signal(let signal):
            dispatch(.signal(exitStatus: signal.exitStatus))
        }
    }

    private func perform(_ effect: WizardEffect) {
        switch effect {
        case .detectEnvironment:
            if lastDraw == .distantPast {
                detectionDeferred = true
            } else {
                detectEnvironment()
            }
        case .writeFiles(let plan):
            do {
                _ = try WorkspaceExport.write(plan, to: setup.folder)
                inbox.post(.filesWritten(error: nil))
            } catch {
                inbox.post(.filesWritten(error: "\(error)"))
            }
        case .startRun(let plan, let mode, let skipping):
            startRun(plan, mode: mode, skipping: skipping)
        case .startDestroy(let plan, _, let skipping):
            startDestroy(plan, skipping: skipping)
        case .readBucketUsage(let argv):
            let inbox = self.inbox
            Task.detached { inbox.post(.bucketUsageRead(await BucketUsage.read(argv))) }
        case .cancelRun:
            runner?.cancel()
        case .loadLog(let stepID, let path):
            let inbox = self.inbox
            let folder = setup.folder
            DispatchQueue.global().async {
                inbox.post(.logLoaded(stepID: stepID, result: LogReader.read(path, workspace: folder)))
            }
        case .startDoctor(let answers):
            startDoctor(answers)
        case .quit(let code, let message):
            exitCode = code
            exitMessage = message
        }
    }

    private func detectEnvironment() {
        let inbox = self.inbox
        let environment = setup.options.environment
        Task.detached {
            inbox.post(.environmentDetected(await EnvironmentDetector.detect(environment: environment)))
        }
    }

    /// Starts the destroy engine in its own journal, as `destroy` does: an unfinished destroy of the same run continues.
    private func startDestroy(_ plan: Plan, skipping: Set<String>) {
        let folder = setup.folder
        let runner = RunSession.makeRunner(plan: plan, workspace: folder, options: setup.options, journalFile: WorkspaceFiles.destroyJournal)
        let mode: RunMode
        do {
            mode = try DestroySession.prepareJournal(workspace: folder, normalizedAnswers: runner.normalizedAnswers)
        } catch {
            inbox.post(.runFailedToStart("\(error)"))
            return
        }
        self.runner = runner
        let inbox = self.inbox
        Task.detached {
            do {
                if try await runner.run(mode: mode, skipping: skipping, observer: InboxObserver(inbox: inbox)) == .succeeded {
                    try DestroySession.archiveSetupJournal(workspace: folder)
                }
            } catch {
                inbox.post(.runFailedToStart("\(error)"))
            }
        }
    }

    /// Runs doctor's reads in the background; each check and the end come back through the inbox.
    private func startDoctor(_ answers: Answers) {
        let inbox = self.inbox
        let doctor = Doctor(answers: answers, probeScript: WizardResources.doctorProbeScript)
        let environment = setup.options.environment
        Task.detached {
            let checks = await DoctorSession.run(doctor, environment: environment) { inbox.post(.doctorChecked($0)) }
            inbox.post(.doctorFinished(checks))
        }
    }

    /// Writes the workspace files the steps read (raycluster.yaml) and starts the engine in the background.
    private func startRun(_ plan: Plan, mode: RunMode, skipping: Set<String>) {
        do {
            _ = try WorkspaceExport.write(plan, to: setup.folder)
        } catch {
            inbox.post(.runFailedToStart("cannot write the workspace files: \(error)"))
            return
        }
        let runner = RunSession.makeRunner(plan: plan, workspace: setup.folder, options: setup.options)
        self.runner = runner
        let inbox = self.inbox
        Task.detached {
            do {
                _ = try await runner.run(mode: mode, skipping: skipping, observer: InboxObserver(inbox: inbox))
            } catch {
                inbox.post(.runFailedToStart("\(error)"))
            }
        }
    }
}
