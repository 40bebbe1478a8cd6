import XCTest
import Cells
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

final class InputTests: TerminalTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try startTerminal()
    }

    private func keys(after bytes: String, count: Int) -> [TerminalEvent] {
        pty.type(bytes)
        var events: [TerminalEvent] = []
        while events.count < count, let event = terminal.nextEvent(timeoutMilliseconds: 500) {
            events.append(event)
        }
        return events
    }

    func testArrowsInApplicationAndNormalMode() {
        XCTAssertEqual(keys(after: "\u{1B}OA\u{1B}OB\u{1B}[C\u{1B}[D", count: 4), [.key(.up), .key(.down), .key(.right), .key(.left)])
    }

    func testNavigationAndEditingKeys() {
        let bytes = "\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}[5~\u{1B}[6~\u{1B}[3~\u{1B}[Z\u{7F}\u{8}\t\r\n"
        XCTAssertEqual(keys(after: bytes, count: 13), [
            .key(.home), .key(.end), .key(.home), .key(.end), .key(.pageUp), .key(.pageDown), .key(.delete),
            .key(.backTab), .key(.backspace), .key(.backspace), .key(.tab), .key(.enter), .key(.enter),
        ])
    }

    func testControlLettersIncludingCtrlC() {
        XCTAssertEqual(keys(after: "\u{15}\u{3}\u{1}\u{1A}", count: 4), [.key(.ctrl("u")), .key(.ctrl("c")), .key(.ctrl("a")), .key(.ctrl("z"))])
    }

    func testUTF8Characters() {
        XCTAssertEqual(keys(after: "é日x", count: 3), [.key(.char("é")), .key(.char("日")), .key(.char("x"))])
    }

    func testLoneEscapeArrivesAfterTheEscapeDelay() {
        let clock = ContinuousClock()
        let start = clock.now
        XCTAssertEqual(keys(after: "\u{1B}", count: 1), [.key(.escape)])
        XCTAssertLessThan(clock.now - start, .milliseconds(400), "ESC must not wait for ncurses' default second")
    }

    func testFunctionKeys() {
        XCTAssertEqual(keys(after: "\u{1B}OP\u{1B}[15~", count: 2), [.key(.function(1)), .key(.function(5))])
    }

    func testBracketedPasteIsOneKeyWithLineBreaksNormalised() {
        let events = keys(after: "\u{1B}[200~kubectl get pods\r\n-n ray\rdone é\u{1B}[201~q", count: 2)
        XCTAssertEqual(events, [.key(.paste("kubectl get pods\n-n ray\ndone é")), .key(.char("q"))])
    }

    func testPasteOfEscapeSequencesStaysText() {
        // Arrow-key bytes inside a paste are matched by ncurses as keys; they must not leak out as arrows.
        let events = keys(after: "\u{1B}[200~a\u{1B}[Ab\u{1B}[201~", count: 1)
        XCTAssertEqual(events, [.key(.paste("ab"))])
    }

    func testTimeoutReturnsNilAfterRoughlyTheTimeout() {
        let clock = ContinuousClock()
        let start = clock.now
        XCTAssertNil(terminal.nextEvent(timeoutMilliseconds: 80))
        let elapsed = clock.now - start
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(75))
        XCTAssertLessThan(elapsed, .milliseconds(400))
    }

    func testResizeEvent() throws {
        pty.resize(columns: 100, rows: 30)
        kill(getpid(), SIGWINCH)
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: 500), .resize(Size(columns: 100, rows: 30)))
        XCTAssertEqual(terminal.size(), Size(columns: 100, rows: 30))
    }

    func testSignalIsDeliveredAsAnEventAndKeysAreKept() throws {
        pty.type("k")
        kill(getpid(), SIGTERM)
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: 500), .signal(.terminate))
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: 500), .key(.char("k")), "the key read with the signal is not lost")
        kill(getpid(), SIGINT)
        XCTAssertEqual(Terminal.takePendingSignal(), .interrupt)
        XCTAssertNil(Terminal.takePendingSignal())
        XCTAssertEqual(TerminalSignal.interrupt.exitStatus, 130)
        XCTAssertEqual(TerminalSignal.terminate.exitStatus, 143)
    }

    func testAHungUpTerminalIsReportedOnceAndThenWaitedOn() throws {
        pty.hangUp()
        let clock = ContinuousClock()
        var start = clock.now
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: -1), .signal(.hangup), "a wait forever ends")
        XCTAssertLessThan(clock.now - start, .milliseconds(1000))
        XCTAssertEqual(TerminalSignal.hangup.exitStatus, 129)
        // Afterwards each call waits (up to 100 ms) instead of returning at once: a caller's loop does not spin.
        start = clock.now
        for _ in 0..<3 { XCTAssertNil(terminal.nextEvent(timeoutMilliseconds: 50)) }
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(140))
    }

    func testSignalInterruptsABlockingWait() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let sender = Thread {
            usleep(100_000)
            kill(getpid(), SIGINT)
        }
        sender.start()
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: 5000), .signal(.interrupt))
        XCTAssertLessThan(clock.now - start, .milliseconds(1500))
    }

    func testStopPutsBackThePreviousSignalHandlers() throws {
        terminal.stop()
        var action = sigaction()
        sigaction(SIGTERM, nil, &action)
        XCTAssertEqual(unsafeBitCast(action.__sigaction_handler, to: UInt.self), UInt(bitPattern: SIG_DFL.map { unsafeBitCast($0, to: Int.self) } ?? 0))
    }
}
