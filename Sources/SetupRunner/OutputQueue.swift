import Foundation
import RunModel

/// Hands a reader thread's `OutputLines` to an async consumer, in order, holding at most `limit` of them.
///
/// The reader blocks when the consumer falls behind, so a chatty step waits for slow observers instead of
/// filling memory; the consumer never blocks a thread.
///
/// `@unchecked Sendable`: every stored property is guarded by `condition`.
final class OutputQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let limit: Int
    private var items: [OutputLines] = []
    private var waiter: CheckedContinuation<OutputLines?, Never>?
    private var finished = false

    init(limit: Int = 2) { self.limit = max(1, limit) }

    /// Called by the reader thread: queues `lines`, waiting while `limit` are already queued.
    func push(_ lines: OutputLines) {
        condition.lock()
        // A waiting consumer has emptied the queue: it takes these directly, whatever was full before.
        while waiter == nil && items.count >= limit { condition.wait() }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: lines)
            return
        }
        items.append(lines)
        condition.unlock()
    }

    /// Called by the reader thread once, after its last `push`: `next()` returns nil when the queue is empty.
    func finish() {
        condition.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// The oldest queued lines, waiting for some; nil once the reader finished and everything was taken.
    func next() async -> OutputLines? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if !items.isEmpty {
                let lines = items.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: lines)
            } else if finished {
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                condition.signal()
                condition.unlock()
            }
        }
    }
}
