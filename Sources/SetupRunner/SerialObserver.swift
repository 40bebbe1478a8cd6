import RunModel
import Synchronization

/// Hands a run's events to an observer one call at a time, in the order they were sent, while several steps send
/// them at once: `RunObserver` promises its observers no overlapping calls.
struct SerialObserver: RunObserver {
    private let base: any RunObserver
    private let turn = Turn()

    init(_ base: any RunObserver) { self.base = base }

    func handle(_ event: RunEvent) async {
        await turn.take()
        await base.handle(event)
        turn.pass()
    }

    func handle(output lines: OutputLines) async {
        await turn.take()
        await base.handle(output: lines)
        turn.pass()
    }
}

/// A first-come, first-served lock for async callers: whoever waits longest goes next.
private final class Turn: Sendable {
    private struct State {
        var taken = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Returns when the caller's turn has come.
    func take() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if !state.taken {
                    state.taken = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Ends the caller's turn: the longest waiter's begins.
    func pass() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.taken = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
