import WizardModel
import XCTest
@testable import WizardApp

/// The log viewer's reads: what a step printed, the end of a very long log, a log not written yet.
final class LogReaderTests: XCTestCase {
    func testALogReadsAsItsLines() throws {
        let scratch = try Scratch()
        try scratch.write("logs/01-check-gcloud.log", "=== start\n$ gcloud config get-value account\n\nalice@example.com\n")
        XCTAssertEqual(LogReader.read("logs/01-check-gcloud.log", workspace: scratch.root),
                       .lines(["=== start", "$ gcloud config get-value account", "", "alice@example.com"]))
    }

    func testAVeryLongLogKeepsItsEndAndSaysWhatWasLeftOut() throws {
        let scratch = try Scratch()
        let count = LogReader.maxLines + 250
        try scratch.write("logs/02-big.log", (1...count).map { "line \($0)" }.joined(separator: "\n"))
        guard case .lines(let lines) = LogReader.read("logs/02-big.log", workspace: scratch.root) else { return XCTFail("not read") }
        XCTAssertEqual(lines.count, LogReader.maxLines + 1)
        XCTAssertEqual(lines.first, "[250 earlier lines not shown; the whole log is \(scratch.root.path)/logs/02-big.log]")
        XCTAssertEqual(lines[1], "line 251")
        XCTAssertEqual(lines.last, "line \(count)")
    }

    func testALogNotWrittenYetSaysWhere() throws {
        let scratch = try Scratch()
        XCTAssertEqual(LogReader.read("logs/09-later.log", workspace: scratch.root),
                       .failed("\(scratch.root.path)/logs/09-later.log does not exist yet or cannot be read"))
    }
}
