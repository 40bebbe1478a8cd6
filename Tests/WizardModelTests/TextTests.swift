import XCTest
@testable import WizardModel

final class TextTests: XCTestCase {
    func testSanitizeRemovesEscapesAndControls() {
        XCTAssertEqual(OutputTail.sanitize("\u{1B}[1;31mred\u{1B}[0m"), "red")
        XCTAssertEqual(OutputTail.sanitize("a\tb"), "a       b")
        XCTAssertEqual(OutputTail.sanitize("10%\r50%\r100% done"), "100% done")
        XCTAssertEqual(OutputTail.sanitize("\u{1B}]0;title\u{07}text"), "text")
        XCTAssertEqual(OutputTail.sanitize("bell\u{07}"), "bell")
        XCTAssertEqual(OutputTail.sanitize("plain ✓"), "plain ✓")
    }

    func testWrapBreaksAtSpacesAndIndentsContinuations() {
        XCTAssertEqual(TextWrap.wrap("short", width: 10), ["short"])
        XCTAssertEqual(TextWrap.wrap("gcloud container clusters create", width: 16), ["gcloud ", "  container ", "  clusters ", "  create"])
        XCTAssertEqual(TextWrap.wrap("abcdefghij", width: 4), ["abcd", "  ef", "  gh", "  ij"])
        XCTAssertEqual(TextWrap.wrap("", width: 4), [""])
        XCTAssertEqual(TextWrap.wrap("abc", width: 1), ["a", "b", "c"])
    }

    func testScrollViewClamps() {
        var view = ScrollView((1...10).map(String.init), width: 20)
        view.scroll(by: 100, rows: 4)
        XCTAssertEqual(view.offset, 6)
        view.scroll(by: -100, rows: 4)
        XCTAssertEqual(view.offset, 0)
        view.scrollToBottom(rows: 40)
        XCTAssertEqual(view.offset, 0)
    }
}
