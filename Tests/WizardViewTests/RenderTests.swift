import XCTest
import Cells
import WizardModel
@testable import WizardView

final class RenderTests: XCTestCase {
    /// Every screen at every size from 1x1 to 100x30 draws without trapping. Below the minimum size the
    /// renderer shows the same message whatever the state, so the model's re-layout there is checked at a few sizes.
    func testEverySizeDownTo1x1() {
        for (name, state) in Scenarios.all {
            for columns in 1...100 {
                for rows in 1...30 {
                    let size = Size(columns: columns, rows: rows)
                    var sized = state
                    if Layout.fits(size) { _ = update(&sized, .resize(size)) }
                    let frame = WizardView.render(sized, size: size)
                    XCTAssertEqual(frame.size, size, name)
                }
            }
            for size in [Size(columns: 1, rows: 1), Size(columns: 2, rows: 30), Size(columns: 79, rows: 23), Size(columns: 0, rows: 0)] {
                var sized = state
                _ = update(&sized, .resize(size))
                XCTAssertEqual(WizardView.render(sized, size: size).size, size, name)
                _ = update(&sized, .resize(.minimum))
                XCTAssertEqual(WizardView.render(sized, size: .minimum).size, .minimum, name)
            }
        }
    }

    func testTooSmallSaysWhatIsNeeded() {
        let frame = WizardView.render(Scenarios.base(), size: Size(columns: 79, rows: 30))
        XCTAssertTrue(frame.plainText.contains("Terminal too small"))
        XCTAssertTrue(frame.plainText.contains("need 80x24, have 79x30"))
    }

    func testTheCursorSitsInTheFocusedTextField() throws {
        var state = Scenarios.base(Scenarios.answers)
        Scenarios.send(&state, [.key(.enter), .key(.home), .key(.right), .key(.right)])
        let frame = WizardView.render(state, size: .minimum)
        let cursor = try XCTUnwrap(frame.cursor)
        XCTAssertEqual(cursor.column, WizardView.valueColumn + 2)
        XCTAssertEqual(frame[cursor.column, cursor.row].character, "y")  // ray-demo-123
    }

    func testStatesReadWithoutColour() {
        let run = Scenarios.all.first { $0.0 == "run" }?.1
        guard let run else { return XCTFail("no run scenario") }
        let text = WizardView.render(run, size: .minimum).plainText
        XCTAssertTrue(text.contains("already done"))
        XCTAssertTrue(text.contains("✓"))
        XCTAssertTrue(text.contains("○"))
        var ascii = run
        ascii.asciiOnly = true
        let plain = WizardView.render(ascii, size: .minimum).plainText
        XCTAssertTrue(plain.unicodeScalars.allSatisfy { $0.isASCII }, plain)
        XCTAssertTrue(plain.contains("[x]"))
        XCTAssertTrue(plain.contains("[ ]"))
    }

    func testEveryASCIIFrameIsASCII() {
        for (name, state) in Scenarios.all {
            var ascii = state
            ascii.asciiOnly = true
            let text = WizardView.render(ascii, size: Size(columns: 120, rows: 40)).plainText
            let bad = text.unicodeScalars.filter { !$0.isASCII }
            XCTAssertTrue(bad.isEmpty, "\(name): \(String(String.UnicodeScalarView(bad)))")
        }
    }

    func testTheSpinnerTurnsWithTheClock() {
        guard var state = Scenarios.all.first(where: { $0.0 == "run" })?.1 else { return XCTFail("no run scenario") }
        let a = WizardView.render(state, size: .minimum)
        _ = update(&state, .tick(state.now.addingTimeInterval(0.1)))
        let b = WizardView.render(state, size: .minimum)
        XCTAssertNotEqual(a, b)
    }

    func testRenderingIsCheap() {
        guard let state = Scenarios.all.first(where: { $0.0 == "review-commands" })?.1 else { return XCTFail("no review") }
        let start = Date()
        for _ in 0..<100 { _ = WizardView.render(state, size: Size(columns: 120, rows: 40)) }
        let perFrame = Date().timeIntervalSince(start) / 100
        XCTAssertLessThan(perFrame, 0.05, "a frame took \(perFrame * 1000) ms")
    }
}
