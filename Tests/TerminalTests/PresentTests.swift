import XCTest
import Cells
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

final class PresentTests: TerminalTestCase {
    private func sampleFrame() -> Frame {
        var frame = Frame(size: terminal.size())
        frame.put("Project: my-project", column: 2, row: 1, style: Style(.accent, bold: true))
        frame.put("Zone ▸ us-central1-a", column: 2, row: 2)
        frame.put("日本 wide", column: 2, row: 3)
        frame.put("wörld", column: 2, row: 4, style: Style(.error))
        frame.put("bottom-right", column: 68, row: 23)
        return frame
    }

    override func tearDown() {
        XCTAssertEqual(screen.unknown, [], "escape sequences the test model does not know")
        super.tearDown()
    }

    func testPresentShowsTheFrame() throws {
        try startTerminal()
        let frame = sampleFrame()
        present(frame)
        XCTAssertEqual(screen.plainText, frame.plainText)
    }

    func testSecondPresentOfTheSameFrameWritesAlmostNothing() throws {
        try startTerminal()
        let frame = sampleFrame()
        let first = present(frame).count
        let second = present(frame).count
        XCTAssertGreaterThan(first, 60)
        XCTAssertLessThanOrEqual(second, 8, "identical frame wrote \(second) bytes")
    }

    func testOneChangedCellWritesOnlyALittle() throws {
        try startTerminal()
        var frame = sampleFrame()
        present(frame)
        frame[40, 10] = Cell("Z")
        let output = present(frame)
        XCTAssertLessThanOrEqual(output.count, 24, "one cell cost \(output.count) bytes: \(String(decoding: output, as: UTF8.self).debugDescription)")
        XCTAssertEqual(screen.plainText, frame.plainText)
    }

    func testSequenceOfChangesEndsOnTheLastFrame() throws {
        try startTerminal()
        var frame = sampleFrame()
        present(frame)
        frame.put("日本", column: 12, row: 2)  // wide characters over narrow ones
        present(frame)
        frame.put("abcd", column: 2, row: 3)  // narrow over wide
        frame.fill(column: 0, row: 1, width: 80, height: 1)
        present(frame)
        XCTAssertEqual(screen.plainText, frame.plainText)
    }

    func testCursorIsShownAtTheFrameCursorAndHiddenWithout() throws {
        try startTerminal()
        var frame = sampleFrame()
        frame.cursor = (column: 5, row: 7)
        present(frame)
        XCTAssertTrue(screen.cursorVisible)
        XCTAssertEqual(screen.cursor.column, 5)
        XCTAssertEqual(screen.cursor.row, 7)
        frame.cursor = (column: 30, row: 2)
        present(frame)
        XCTAssertEqual(screen.cursor.column, 30)
        XCTAssertEqual(screen.cursor.row, 2)
        frame.cursor = nil
        present(frame)
        XCTAssertFalse(screen.cursorVisible)
    }

    func testResizeForcesAFullRedraw() throws {
        try startTerminal()
        present(sampleFrame())
        pty.resize(columns: 90, rows: 20)
        kill(getpid(), SIGWINCH)
        XCTAssertEqual(terminal.nextEvent(timeoutMilliseconds: 500), .resize(Size(columns: 90, rows: 20)))
        // An emulator may keep, clear or reflow the old content: start from garbage to prove it is all redrawn.
        screen.resize(columns: 90, rows: 20)
        screen.feed(Array(String(repeating: "#", count: 90 * 20).utf8))
        var resized = Frame(size: terminal.size())
        resized.put("Project: my-project", column: 2, row: 1, style: Style(.accent, bold: true))
        present(resized)
        XCTAssertEqual(screen.plainText, resized.plainText)
    }

    func testFrameLargerThanTheScreenIsClipped() throws {
        try startTerminal()
        var frame = Frame(size: Size(columns: 100, rows: 30))
        frame.put(String(repeating: "x", count: 100), column: 0, row: 0)
        frame.put("hidden", column: 0, row: 29)
        present(frame)
        XCTAssertEqual(screen.line(0), String(repeating: "x", count: 80))
        XCTAssertFalse(screen.plainText.contains("hidden"))
    }

    func testColoursMapToColourPairs() throws {
        try startTerminal()
        var frame = Frame(size: terminal.size())
        frame.put("bad", column: 0, row: 0, style: Style(.error))
        frame.put("ok", column: 0, row: 1, style: Style(.success))
        frame.put("plain", column: 0, row: 2)
        present(frame)
        XCTAssertEqual(screen.grid[0][0].attributes.foreground, 1, "error is red")
        XCTAssertEqual(screen.grid[1][0].attributes.foreground, 2, "success is green")
        XCTAssertNil(screen.grid[2][0].attributes.foreground, "plain text keeps the default colour")
    }

    func testWithoutColourSelectionIsReverseAndErrorIsBold() throws {
        try startTerminal(colors: .never)
        var frame = Frame(size: terminal.size())
        frame.put("picked", column: 0, row: 0, style: Style(.selection))
        frame.put("failed", column: 0, row: 1, style: Style(.error))
        frame.put("fine", column: 0, row: 2, style: Style(.success))
        present(frame)
        let selection = screen.grid[0][0].attributes
        let error = screen.grid[1][0].attributes
        XCTAssertEqual(selection, .init(reverse: true))
        XCTAssertEqual(error, .init(bold: true))
        XCTAssertEqual(screen.grid[2][0].attributes, .init())
    }

    func testNoColorEnvironmentDropsColour() throws {
        setenv("NO_COLOR", "1", 1)
        defer { unsetenv("NO_COLOR") }
        try startTerminal()
        var frame = Frame(size: terminal.size())
        frame.put("failed", column: 0, row: 0, style: Style(.error))
        present(frame)
        XCTAssertEqual(screen.grid[0][0].attributes, .init(bold: true))
    }

    func testControlCharactersInAFrameAreNotSentRaw() throws {
        try startTerminal()
        var frame = Frame(size: terminal.size())
        frame[0, 0] = Cell("\u{7}")
        frame[1, 0] = Cell("\u{1B}")
        frame.put("ok", column: 2, row: 0)
        let output = present(frame)
        XCTAssertFalse(output.contains("\u{7}"), "a BEL in a frame must not ring")
        XCTAssertEqual(screen.line(0), "  ok")
    }

    func testWithoutUTF8EveryNonASCIICharacterKeepsItsWidthAsPlaceholder() throws {
        setenv("LC_ALL", "C", 1)
        defer { setenv("LC_ALL", "C.UTF-8", 1); setlocale(LC_ALL, "") }
        try startTerminal()
        XCTAssertFalse(terminal.isUTF8)
        var frame = Frame(size: terminal.size())
        frame.put("日本é|", column: 0, row: 0)
        present(frame)
        XCTAssertEqual(screen.line(0), "? ? ?|")
    }

    func testWideCharacterClippedAtTheScreenEdgeBecomesBlank() throws {
        pty.resize(columns: 79, rows: 24)
        try startTerminal()
        var frame = Frame(size: Size(columns: 80, rows: 24))
        frame.put("日", column: 78, row: 0)
        frame.put("a", column: 77, row: 0)
        present(frame)
        XCTAssertEqual(screen.line(0), String(repeating: " ", count: 77) + "a")
    }
}
