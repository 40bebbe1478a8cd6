import Foundation
import WizardInbox
import WizardModel

/// How the runtime loop shares one thread between keys, queued background results and frames: frames at most
/// 60 a second, queued actions in small batches within a time budget, and waits no longer than the next thing due.
public enum LoopPolicy {
    /// Redraws at most this often while output streams in; a key after a pause draws at once.
    public static let frameInterval = 1.0 / 60
    /// Clock ticks while a run or doctor is going (spinner, elapsed times).
    public static let tickInterval = 0.1
    /// How long one turn of the loop may spend applying queued actions before it reads keys and draws.
    public static let actionBudget = 0.008
    /// Queued actions taken at a time, so the budget is checked often.
    public static let batchSize = 8

    /// Applies queued run events and results for at most `actionBudget`, so keys and frames never wait behind a
    /// step that prints faster than the model takes it in; the rest waits for the next turn.
    public static func applyQueued(from inbox: ActionInbox, _ dispatch: (WizardAction) -> Void) {
        let deadline = Date().addingTimeInterval(actionBudget)
        repeat {
            let batch = inbox.drain(limit: batchSize)
            if batch.isEmpty { return }
            for action in batch { dispatch(action) }
        } while Date() < deadline
    }

    /// Whether a changed state may be drawn now.
    public static func isFrameDue(dirty: Bool, lastDraw: Date, now: Date = Date()) -> Bool {
        dirty && now.timeIntervalSince(lastDraw) >= frameInterval
    }

    /// How long to wait for a key: not at all while actions are queued (waiting would halve what the model takes
    /// in), until the next frame is due while one is pending, else until the next tick of a run (or a quarter second).
    public static func keyWait(queued: Bool, dirty: Bool, lastDraw: Date, running: Bool, now: Date = Date()) -> Int {
        if queued { return 0 }
        if dirty { return max(1, Int((frameInterval - now.timeIntervalSince(lastDraw)) * 1000)) }
        return running ? Int(tickInterval * 1000) : 250
    }
}
