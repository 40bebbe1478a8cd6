/// What `session`'s port-forward reports as it runs; the views decide what to print.
public enum ForwardEvent: Sendable, Equatable {
    /// The local port `wanted` for the head's port `name` is taken by another program; `using` is the next free one.
    case portTaken(name: String, wanted: Int, using: Int)
    /// kubectl listens on `local` (one port for each forwarded head port, dashboard first); `again` after a drop.
    case forwarding(local: [Int], again: Bool)
    /// The forward ended without being asked to (kubectl exited, or the forward stopped answering): `reason`,
    /// and the seconds until it starts again.
    case dropped(reason: String, retryIn: Double)
}

/// How `session`'s port-forward ended.
public enum ForwardEnd: Sendable, Equatable {
    /// Stopped on request (Ctrl-C).
    case stopped
    /// Every local port tried for the head's port `name` (`first` to `last`) is taken.
    case noFreePort(name: String, first: Int, last: Int)
    /// The first forward failed before it listened: kubectl's last error line (`exitCode` nil: it could not start).
    case failed(reason: String, exitCode: Int32?)
}
