import Cells

/// What `Terminal.nextEvent(timeoutMilliseconds:)` reports.
public enum TerminalEvent: Equatable, Sendable {
    case key(Key)
    /// The terminal changed size; the next `present` redraws everything.
    case resize(Size)
    /// SIGINT or SIGTERM arrived from outside (Ctrl-C itself arrives as `.key(.ctrl("c"))`).
    case signal(TerminalSignal)
}
