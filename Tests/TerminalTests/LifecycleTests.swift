import XCTest
import Cells
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

final class LifecycleTests: TerminalTestCase {
    func testStartSwitchesToRawModeAndStopRestoresEveryTermiosField() throws {
        let before = pty.modes()
        try startTerminal()
        let during = pty.modes()
        XCTAssertEqual(during.c_lflag & tcflag_t(ICANON), 0, "canonical input off")
        XCTAssertEqual(during.c_lflag & tcflag_t(ECHO), 0, "echo off")
        XCTAssertEqual(during.c_lflag & tcflag_t(ISIG), 0, "ISIG off so Ctrl-C arrives as a key")
        terminal.stop()
        let after = pty.modes()
        XCTAssertEqual(after.c_iflag, before.c_iflag)
        XCTAssertEqual(after.c_oflag, before.c_oflag)
        XCTAssertEqual(after.c_cflag, before.c_cflag)
        XCTAssertEqual(after.c_lflag, before.c_lflag)
        XCTAssertTrue(withUnsafeBytes(of: after.c_cc) { a in withUnsafeBytes(of: before.c_cc) { b in a.elementsEqual(b) } })
        let output = pty.drain()
        XCTAssertTrue(output.contains("\u{1B}[?2004l"), "bracketed paste switched off")
        XCTAssertTrue(output.contains("\u{1B}[?1049l"), "alternate screen left")
        XCTAssertFalse(terminal.isStarted)
    }

    func testStartTurnsOnBracketedPasteAndAlternateScreen() throws {
        terminal = Terminal(input: pty.slave, output: pty.slave, options: .init(terminalType: "xterm-256color"))
        try terminal.start()
        terminal.present(Frame(size: terminal.size()))
        let output = pty.drain()
        XCTAssertTrue(output.contains("\u{1B}[?2004h"))
        XCTAssertTrue(output.contains("\u{1B}[?1049h"))
    }

    func testStopIsIdempotentAndRestartWorks() throws {
        try startTerminal()
        terminal.stop()
        terminal.stop()
        _ = pty.drain()
        try terminal.start()
        XCTAssertTrue(terminal.isStarted)
        var frame = Frame(size: terminal.size())
        frame.put("again", column: 0, row: 0)
        terminal.present(frame)
        XCTAssertTrue(pty.drain().contains("again"))
    }

    func testStartOnAPipeThrowsNotATerminal() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        let piped = Terminal(input: fds[0], output: fds[1])
        XCTAssertThrowsError(try piped.start()) { XCTAssertEqual($0 as? TerminalError, .notATerminal) }
        XCTAssertFalse(piped.isStarted)
    }

    func testUnknownTerminalTypeThrowsAndLeavesSignalsAlone() throws {
        let previous = currentHandler(SIGTERM)
        let broken = Terminal(input: pty.slave, output: pty.slave, options: .init(terminalType: "no-such-terminal-xyz"))
        XCTAssertThrowsError(try broken.start()) {
            XCTAssertEqual($0 as? TerminalError, .unknownTerminalType("no-such-terminal-xyz"))
        }
        XCTAssertEqual(currentHandler(SIGTERM), previous)
    }

    func testSizeComesFromTheTTY() throws {
        pty.resize(columns: 91, rows: 33)
        try startTerminal()
        XCTAssertEqual(terminal.size(), Size(columns: 91, rows: 33))
    }

    func testLocaleDecidesUTF8() throws {
        XCTAssertTrue(Terminal(input: pty.slave, output: pty.slave).isUTF8)
        setenv("LC_ALL", "C", 1)
        defer { setenv("LC_ALL", "C.UTF-8", 1); setlocale(LC_ALL, "") }
        XCTAssertFalse(Terminal(input: pty.slave, output: pty.slave).isUTF8)
    }

    func testColorSupportFollowsTerminalOptionAndNoColor() throws {
        try startTerminal()
        XCTAssertTrue(terminal.supportsColor, "xterm-256color has colours")
        terminal.stop()
        setenv("NO_COLOR", "1", 1)
        defer { unsetenv("NO_COLOR") }
        try terminal.start()
        XCTAssertFalse(terminal.supportsColor, "NO_COLOR=1")
        terminal.stop()
        setenv("NO_COLOR", "", 1)
        try terminal.start()
        XCTAssertTrue(terminal.supportsColor, "an empty NO_COLOR does not count")
        terminal.stop()
        terminal = Terminal(input: pty.slave, output: pty.slave, options: .init(colors: .never, terminalType: "xterm-256color"))
        try terminal.start()
        XCTAssertFalse(terminal.supportsColor)
        terminal.stop()
        terminal = Terminal(input: pty.slave, output: pty.slave, options: .init(terminalType: "xterm-mono"))
        try terminal.start()
        XCTAssertFalse(terminal.supportsColor, "a terminal without colours")
    }

    func testIsInteractiveIsFalseWithoutATTY() {
        // The test runner's stdout is a pipe or file, never both ends a terminal under `swift test`.
        if isatty(0) == 0 || isatty(1) == 0 { XCTAssertFalse(Terminal.isInteractive()) }
    }

    private func currentHandler(_ signal: Int32) -> UInt {
        var action = sigaction()
        sigaction(signal, nil, &action)
        return unsafeBitCast(action.__sigaction_handler, to: UInt.self)
    }
}
