import Cells
import Foundation
import RunModel
import SetupPlan
import Synchronization
import Terminal
import WizardApp
import WizardInbox
import WizardModel

/// The wizard's own runtime loop (`SessionLoop`: its frame pacing, action budget and the inbox's flow control) fed
/// a step's output the way the engine hands it over, for measure 3a: everything but the processes and ncurses.
final class StreamingLoop: @unchecked Sendable {
    /// Frames the loop presented.
    private(set) var frames = 0
    /// From the run's start until the loop had taken every line in.
    private(set) var seconds = 0.0
    /// Welcome and every page to the Review, then run.
    private var keys: [Key] = Array(repeating: .enter, count: WizardPage.all.count + 1) + [.char("r")]
    private let effects: Producer
    private weak var inbox: ActionInbox?
    private var signalled = false

    init(batches: [OutputLines], rounds: Int) {
        effects = Producer(batches: batches, rounds: rounds)
    }

    /// Runs the loop from the Welcome screen to the run's end; returns its exit status.
    func run(_ state: WizardState) -> Int32 {
        let loop = SessionLoop(state: state, terminal: self, effects: effects)
        inbox = loop.inbox
        let code = loop.run().code
        seconds = effects.elapsed
        return code
    }

    /// Plays the engine's part: the run's events and the step's output through `InboxObserver`, round after round.
    private final class Producer: EffectPerformer, @unchecked Sendable {
        let batches: [OutputLines]
        let rounds: Int
        private let times = Mutex<(start: ContinuousClock.Instant?, end: ContinuousClock.Instant?)>((nil, nil))

        init(batches: [OutputLines], rounds: Int) {
            self.batches = batches
            self.rounds = rounds
        }

        var elapsed: Double {
            times.withLock { times in
                guard let start = times.start, let end = times.end else { return 0 }
                return (end - start).seconds
            }
        }

        func markTakenIn() { times.withLock { if $0.end == nil { $0.end = ContinuousClock.now } } }
        private let posted = Mutex(false)
        var allPosted: Bool { posted.withLock { $0 } }

        func perform(_ effect: WizardEffect, inbox: ActionInbox) {
            let observer = InboxObserver(inbox: inbox)
            switch effect {
            case .startRun(let plan, _, _):
                guard let first = plan.steps.first else { return }
                let batches = batches, rounds = rounds
                times.withLock { $0.start = ContinuousClock.now }
                Task.detached { [self] in
                    await observer.handle(.runStarted(steps: plan.steps.count, statuses: plan.steps.map { _ in .pending }))
                    for _ in 0..<rounds {
                        await observer.handle(.stepStarted(index: 0, stepID: first.id))
                        for batch in batches { await observer.handle(output: batch) }
                    }
                    self.posted.withLock { $0 = true }
                }
            case .cancelRun:
                Task.detached {
                    await observer.handle(.runFinished(result: .interrupted, seconds: 0))
                }
            default:
                break
            }
        }
    }
}

extension StreamingLoop: SessionTerminal {
    func start() throws {}
    func stop() {}
    func size() -> Size { Size(columns: 80, rows: 24) }
    var isUTF8: Bool { true }

    /// The keys to the run, then nothing while the lines stream; once every line is in, the inbox empty, a
    /// SIGTERM ends the run and the loop as the wizard's own signal handling does.
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        if !keys.isEmpty { return .key(keys.removeFirst()) }
        if effects.allPosted, inbox?.isEmpty == true {
            effects.markTakenIn()
            guard !signalled else { return nil }
            signalled = true
            return .signal(.terminate)
        }
        if timeoutMilliseconds > 0 { usleep(UInt32(min(timeoutMilliseconds, 1)) * 1000) }
        return nil
    }

    func present(_ frame: Frame) { frames += 1 }
}
