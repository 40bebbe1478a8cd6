import Synchronization
import WizardModel

/// Actions posted by background work (run events, detection, log reads) for the UI thread to apply in order.
final class ActionInbox: Sendable {
    private let queue = Mutex<[WizardAction]>([])

    /// Queues an action; safe from any thread, never blocks on the UI.
    func post(_ action: WizardAction) {
        queue.withLock { $0.append(action) }
    }

    /// Takes at most `limit` queued actions, oldest first, leaving the rest for the next call.
    func drain(limit: Int) -> [WizardAction] {
        queue.withLock { pending in
            guard pending.count > limit else {
                let taken = pending
                pending.removeAll(keepingCapacity: true)
                return taken
            }
            let taken = Array(pending.prefix(limit))
            pending.removeFirst(limit)
            return taken
        }
    }
}
