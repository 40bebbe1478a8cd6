import Foundation
import RunModel
import XCTest
@testable import SetupRunner

/// Line splitting, tails and the duration text.
final class OutputTests: XCTestCase {
    private func split(_ chunks: [String], max: Int = 8) -> [String] {
        var splitter = LineSplitter(maxLineBytes: max)
        var lines: [String] = []
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { splitter.feed($0) { line, _ in lines.append(LineSplitter.decode(line)) } }
        }
        splitter.finish { line, _ in lines.append(LineSplitter.decode(line)) }
        return lines
    }

    func testLinesAcrossChunksCRLFAndNoFinalNewline() {
        XCTAssertEqual(split(["ab", "c\nde\r\n", "\nf"]), ["abc", "de", "", "f"])
    }

    func testLongLinesAreSplit() {
        XCTAssertEqual(split(["0123456789abcdefXYZ\nok\n"]), ["01234567", "89abcdef", "XYZ", "ok"])
        XCTAssertEqual(split(["0123", "4567", "89\n"]), ["01234567", "89"])
    }

    func testTailKeepsTheLastLines() {
        var tail = TailBuffer(capacity: 3)
        for i in 1...7 { tail.append("\(i)") }
        XCTAssertEqual(tail.lines, ["5", "6", "7"])
        XCTAssertEqual(tail.last(2), ["6", "7"])
    }

    func testDurationText() {
        XCTAssertEqual(DurationText.format(0.04), "0.0s")
        XCTAssertEqual(DurationText.format(1.84), "1.8s")
        XCTAssertEqual(DurationText.format(42.4), "42s")
        XCTAssertEqual(DurationText.format(62), "1m 02s")
        XCTAssertEqual(DurationText.format(125), "2m 05s")
        XCTAssertEqual(DurationText.format(3900), "1h 05m")
    }
}
