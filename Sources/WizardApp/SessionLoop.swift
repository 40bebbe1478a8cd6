import Foundation
import Terminal
import WizardInbox
import WizardModel
import WizardView

/// The runtime loop: keys -> update -> effects -> background work -> inbox -> update -> render -> present.
/// Lives on one thread with the terminal; background work reports through the inbox (see `LoopPolicy`).
public final class SessionLoop {
    /// Where background work posts what it produces; the loop applies it in order.
    public let inbox = ActionInbox()
    private let terminal: any SessionTerminal
    private let effects: any EffectPerformer
    private var state: WizardState
    /// Set by the `.quit` effect: the loop ends and `run` returns them.
    private var exitCode: Int32?
    private var exitMessage: String?
    /// Set by the `.endWizard` effect: what runs once the terminal is restored.
    private var after: AfterWizard?
    private var dirty = true
    private var lastDraw = Date.distantPast
    /// Detection asked for before the first frame: started right after it is drawn, so the probes' five
    /// process launches do not compete with the first frame for the CPU.
    private var detectionDeferred = false

    /// A loop over `state` on `terminal`, with `effects` carrying out what the model asks for.
    public init(state: WizardState, terminal: any SessionTerminal, effects: any EffectPerformer) {
        self.state = state
        self.terminal = terminal
        self.effects = effects
    }

    /// The wizard of `setup` on this process's terminal, its effects on the world.
    public convenience init(_ setup: SessionSetup) {
        self.init(state: setup.firstState(), terminal: Terminal(options: Terminal.Options(colors: setup.colors)),
                  effects: SessionEffects(setup))
    }

    /// Runs until the model quits; the terminal is restored when it returns.
    public func run() -> SessionResult {
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
            LoopPolicy.applyQueued(from: inbox, dispatch)
            if state.isRunActive || state.isDoctorActive, Date().timeIntervalSince(state.now) >= LoopPolicy.tickInterval {
                dispatch(.tick(Date()))
            }
        }
        terminal.stop()
        return SessionResult(code: exitCode ?? 0, message: exitMessage, then: after)
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
        guard LoopPolicy.isFrameDue(dirty: dirty, lastDraw: lastDraw) else { return }
        terminal.present(WizardView.render(state, size: state.size))
        lastDraw = Date()
        dirty = false
        if detectionDeferred {
            detectionDeferred = false
            effects.perform(.detectEnvironment, inbox: inbox)
        }
    }

    /// Waits for input no longer than the next thing due (a frame, a tick), then takes every key already typed.
    private func pollTerminal() {
        var wait = LoopPolicy.keyWait(queued: !inbox.isEmpty, dirty: dirty, lastDraw: lastDraw, running: state.isRunActive)
        for _ in 0..<256 {
            guard let event = terminal.nextEvent(timeoutMilliseconds: wait) else { return }
            switch event {
            case .key(let key): dispatch(.key(key))
            case .resize(let size): dispatch(.resize(size))
            case .signal(let signal): dispatch(.signal(exitStatus: signal.exitStatus))
            }
            wait = 0
            if exitCode != nil { return }
        }
    }

    private func perform(_ effect: WizardEffect) {
        switch effect {
        case .detectEnvironment where lastDraw == .distantPast:
            detectionDeferred = true
        case .quit(let code, let message):
            exitCode = code
            exitMessage = message
        case .endWizard(let then, let message):
            exitCode = 0
            exitMessage = message
            after = then
        default:
            effects.perform(effect, inbox: inbox)
        }
    }
}

/// How the session ended.
public struct SessionResult: Sendable, Equatable {
    public var code: Int32
    /// Printed to stdout after the terminal is restored (how to resume, where the files are).
    public var message: String?
    public var error: String?
    /// What the person asked to run on the workspace after the wizard (`session`, `submit`), if anything.
    public var then: AfterWizard?
}
