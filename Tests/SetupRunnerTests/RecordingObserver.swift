import RunModel
import SetupPlan
import Synchronization
@testable import SetupRunner

/// Keeps every event (output lines only counted, so a million-line step stays cheap).
final class RecordingObserver: RunObserver {
    private let state = Mutex<(events: [RunEvent], outputLines: Int)>(([], 0))
    private let onEvent: @Sendable (RunEvent) -> Void

    init(onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) { self.onEvent = onEvent }

    func handle(_ event: RunEvent) async {
        state.withLock { state in
            if case .output = event {
                state.outputLines += 1
                if state.outputLines > 1000 { return }
            }
            state.events.append(event)
        }
        onEvent(event)
    }

    var events: [RunEvent] { state.withLock { $0.events } }
    var outputLines: Int { state.withLock { $0.outputLines } }
    var outcomes: [StepOutcome] {
        events.compactMap { if case .stepFinished(let outcome) = $0 { return outcome } else { return nil } }
    }
    func status(of id: StepID) -> StepStatus? { outcomes.last { $0.stepID == id }?.status }
    var notes: [String] { events.compactMap { if case .stepNote(_, _, let note) = $0 { return note } else { return nil } } }
    var waits: [StepWait] { events.compactMap { if case .stepWaiting(_, _, let wait) = $0 { return wait } else { return nil } } }
}
