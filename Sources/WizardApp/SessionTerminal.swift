import Cells
import Terminal

/// What the runtime loop needs of a terminal: the real one (ncurses), or a scripted one in tests and the bench.
public protocol SessionTerminal: AnyObject {
    /// Takes the terminal over (full screen, keys unbuffered).
    func start() throws
    /// Gives it back as it was.
    func stop()
    func size() -> Size
    /// Whether it draws UTF-8 (else the wizard uses ASCII glyphs).
    var isUTF8: Bool { get }
    /// The next key, resize or signal, waiting at most `timeoutMilliseconds`; nil when none came.
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent?
    /// Shows `frame`.
    func present(_ frame: Frame)
}

extension Terminal: SessionTerminal {}
