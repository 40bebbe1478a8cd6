/// Why `Terminal.start()` could not take over the terminal.
public enum TerminalError: Error, Equatable, Sendable {
    /// The output (or input) descriptor is not a tty.
    case notATerminal
    /// ncurses has no terminfo entry for this terminal type.
    case unknownTerminalType(String)
    /// A descriptor could not be duplicated or opened as a stream.
    case cannotOpenStream(errno: Int32)
}
