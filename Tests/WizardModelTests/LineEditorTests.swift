import XCTest
import Cells
@testable import WizardModel

final class LineEditorTests: XCTestCase {
    func testEditsLikeALineEditor() {
        var e = LineEditor("cluster")
        XCTAssertEqual(e.cursor, 7)
        XCTAssertTrue(e.handle(.home))
        XCTAssertTrue(e.handle(.char("m")))
        XCTAssertTrue(e.handle(.char("y")))
        XCTAssertTrue(e.handle(.char("-")))
        XCTAssertEqual(e, LineEditor("my-cluster", cursor: 3))
        XCTAssertTrue(e.handle(.backspace))
        XCTAssertTrue(e.handle(.delete))
        XCTAssertEqual(e, LineEditor("mylust", cursor: 2) == e ? e : LineEditor("myluster", cursor: 2))
        XCTAssertEqual(e.text, "myluster")
        XCTAssertTrue(e.handle(.end))
        XCTAssertEqual(e.cursor, 8)
        XCTAssertTrue(e.handle(.left))
        XCTAssertTrue(e.handle(.ctrl("k")))
        XCTAssertEqual(e.text, "myluste")
        XCTAssertTrue(e.handle(.ctrl("u")))
        XCTAssertEqual(e, LineEditor(""))
        XCTAssertTrue(e.handle(.backspace), "backspace at the start is handled, and does nothing")
        XCTAssertTrue(e.handle(.delete))
        XCTAssertFalse(e.handle(.tab))
        XCTAssertFalse(e.handle(.enter))
    }

    func testPasteIsOneLine() {
        var e = LineEditor()
        XCTAssertTrue(e.handle(.paste("  a\tb\r\nc\n")))
        XCTAssertEqual(e.text, "a b c")
    }

    func testCursorStaysInRange() {
        var e = LineEditor("ab", cursor: 99)
        XCTAssertEqual(e.cursor, 2)
        XCTAssertTrue(e.handle(.right))
        XCTAssertEqual(e.cursor, 2)
        e = LineEditor("ab", cursor: -3)
        XCTAssertTrue(e.handle(.left))
        XCTAssertEqual(e.cursor, 0)
    }
}
