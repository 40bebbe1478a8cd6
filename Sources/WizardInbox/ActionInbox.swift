import RunModel
import Synchronization
import WizardModel

/// Actions posted by background work (run events, detection, log reads) for the UI thread to apply in order.
///
/// Output is flow-controlled: a step can print far faster than the model takes lines in, and an unbounded
/// queue would grow without end, show ever older lines and make each turn of the loop longer. While
/// `outputLimit` reads wait, `postOutput` holds the engine's consumer, which stops the pipe reader, which
/// stops the step at a full pipe, as `apply` does with a slow terminal. `drain` lets the waiting reads in, in
/// order, as it makes room.
public final class ActionInbox: Sendable {
    private struct Waiting {
        var lines: OutputLines
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct Pending {
        var actions: [WizardAction] = []
        var outputs = 0
        var waiting: [Waiting] = []
    }

    private let queue = Mutex(Pending())
    /// About 4 MiB of output at one 64 KiB pipe read per action.
    public static let outputLimit = 64

    public init() {}

    /// Queues an action; safe from any thread, never blocks on the UI.
    public func post(_ action: WizardAction) {
        queue.withLock {
            $0.actions.append(action)
            if case .runOutput = action { $0.outputs += 1 }
        }
    }

    /// Queues a read's output lines, first waiting while `outputLimit` of them are already queued.
    public func postOutput(_ lines: OutputLines) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queued = queue.withLock { pending in
                // Behind reads that already wait, even if there is room: their lines come first.
                guard pending.outputs < Self.outputLimit, pending.waiting.isEmpty else {
                    pending.waiting.append(Waiting(lines: lines, continuation: continuation))
                    return false
                }
                pending.actions.append(.runOutput(lines))
                pending.outputs += 1
                return true
            }
            if queued { continuation.resume() }
        }
    }

    /// True when actions are waiting.
    public var isEmpty: Bool { queue.withLock { $0.actions.isEmpty } }

    /// Takes at most `limit` queued actions, oldest first, leaving the rest for the next call.
    public func drain(limit: Int) -> [WizardAction] {
        let (taken, admitted) = queue.withLock { pending -> ([WizardAction], [CheckedContinuation<Void, Never>]) in
            let taken: [WizardAction]
            if pending.actions.count > limit {
                taken = Array(pending.actions.prefix(limit))
                pending.actions.removeFirst(limit)
            } else {
                taken = pending.actions
                pending.actions.removeAll(keepingCapacity: true)
            }
            pending.outputs -= taken.reduce(0) { count, action in
                if case .runOutput = action { return count + 1 }
                return count
            }
            var admitted: [CheckedContinuation<Void, Never>] = []
            while pending.outputs < Self.outputLimit, !pending.waiting.isEmpty {
                let waiter = pending.waiting.removeFirst()
                pending.actions.append(.runOutput(waiter.lines))
                pending.outputs += 1
                admitted.append(waiter.continuation)
            }
            return (taken, admitted)
        }
        for continuation in admitted { continuation.resume() }
        return taken
    }
}
