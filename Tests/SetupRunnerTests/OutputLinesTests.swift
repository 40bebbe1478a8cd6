import RunModel
import XCTest
@testable import SetupRunner

/// A read's lines are kept as bytes and decoded on demand; what an observer sees is what the step printed.
final class OutputLinesTests: XCTestCase {
    func testLinesDecodeInOrderAndRepairInvalidUTF8() {
        // "first" and "" taken from the chunk where they are; the other two copied in.
        let chunk = Array("first\n\n".utf8)
        var lines = chunk.withUnsafeBytes { OutputLines(index: 3, stepID: .waitHead, stream: .stderr, chunk: $0) }
        lines.appendVerbatim(0..<5)
        lines.appendVerbatim(6..<6)
        for raw in [Array("zwei – ✓".utf8), [0x61, 0xFF, 0x62]] {
            raw.withUnsafeBytes { lines.append($0) }
        }
        XCTAssertEqual(Array(lines), ["first", "", "zwei – ✓", "a\u{FFFD}b"])
        XCTAssertEqual(lines.events, [
            .output(index: 3, stepID: .waitHead, stream: .stderr, line: "first"),
            .output(index: 3, stepID: .waitHead, stream: .stderr, line: ""),
            .output(index: 3, stepID: .waitHead, stream: .stderr, line: "zwei – ✓"),
            .output(index: 3, stepID: .waitHead, stream: .stderr, line: "a\u{FFFD}b"),
        ])
        XCTAssertEqual(OutputLines(index: 3, stepID: .waitHead, stream: .stderr, lines: Array(lines)).count, 4)
    }

    func testTheCollectorSplitsReadsAndCarriesAPartialLineOver() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outputlines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = try LogWriter(path: dir.appendingPathComponent("log").path)
        let collector = OutputCollector(log: log, maxLineBytes: 8, stderrTailLines: 5, stdoutCaptureBytes: 1024,
                                        source: OutputSource(index: 2, stepID: .waitHead))
        func feed(_ text: String) -> [String] {
            Array(text.utf8).withUnsafeBytes { collector.feed(.stdout, $0).map(Array.init) ?? [] }
        }
        XCTAssertEqual(feed("one\r\ntw"), ["one"])
        XCTAssertEqual(feed("o\nthree\nfo"), ["two", "three"])
        XCTAssertEqual(feed("ur is long, cut"), ["four is ", "long, cu"], "cut at maxLineBytes")
        XCTAssertEqual(feed("\na\nb\r\n\nc\n"), ["t", "a", "b", "", "c"], "lines taken in place and copied, in order")
        XCTAssertEqual(feed("d"), [])
        XCTAssertEqual(collector.finish(.stdout).map(Array.init), ["d"])
        XCTAssertNil(collector.finish(.stdout), "nothing left")
        let text = try String(contentsOf: dir.appendingPathComponent("log"), encoding: .utf8)
        XCTAssertEqual(text, "one\ntwo\nthree\nfour is \nlong, cu\nt\na\nb\n\nc\nd\n")
    }

    func testAProbeGetsNoLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outputlines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let collector = OutputCollector(log: try LogWriter(path: dir.appendingPathComponent("log").path), maxLineBytes: 80,
                                        stderrTailLines: 5, stdoutCaptureBytes: 1024, source: nil)
        XCTAssertNil(Array("a\nb\n".utf8).withUnsafeBytes { collector.feed(.stderr, $0) })
        XCTAssertEqual(collector.result(ending: .exited(0), stopReason: nil, seconds: 0).stderrTail, ["a", "b"])
    }
}
