import XCTest
import Cells
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// Shared set-up: a UTF-8 locale, a fresh pty and a started terminal on it.
class TerminalTestCase: XCTestCase {
    var pty: PseudoTerminal!
    var terminal: Terminal!
    /// What a user would see on the pty, fed with everything the terminal wrote.
    var screen = ScreenModel(columns: 80, rows: 24)

    override func setUpWithError() throws {
        // Tests must not depend on the runner's locale; C.UTF-8 ships with glibc.
        setenv("LC_ALL", "C.UTF-8", 1)
        unsetenv("NO_COLOR")
        pty = try PseudoTerminal(columns: 80, rows: 24)
    }

    override func tearDown() {
        terminal?.stop()
        terminal = nil
        pty = nil
    }

    func startTerminal(colors: Terminal.ColorMode = .automatic) throws {
        terminal = Terminal(input: pty.slave, output: pty.slave, options: .init(colors: colors, terminalType: "xterm-256color"))
        try terminal.start()
        screen = ScreenModel(columns: terminal.size().columns, rows: terminal.size().rows)
        screen.feed(pty.drain())
    }

    /// Presents `frame` and returns the bytes it cost, after feeding them to `screen`.
    @discardableResult
    func present(_ frame: Frame) -> [UInt8] {
        terminal.present(frame)
        let output = pty.drain()
        screen.feed(output)
        return output
    }
}
