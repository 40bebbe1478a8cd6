import XCTest
import Cells
import WizardModel
import WizardView

/// Plain-text frames of every screen, compared with Golden/NAME-WxH.txt; `RECORD_GOLDEN=1` re-records them.
final class GoldenFrameTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"

    func testEveryScreenAt80x24And120x40() throws {
        for (name, state) in Scenarios.all {
            for size in [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40)] {
                var sized = state
                _ = update(&sized, .resize(size))
                try assertGolden(WizardView.render(sized, size: size), name: "\(name)-\(size)")
            }
        }
    }

    func testTooSmall() throws {
        let state = Scenarios.all[2].1
        try assertGolden(WizardView.render(state, size: Size(columns: 60, rows: 20)), name: "too-small-60x20")
        try assertGolden(WizardView.render(state, size: Size(columns: 100, rows: 23)), name: "too-small-100x23")
    }

    private func assertGolden(_ frame: Frame, name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.folder.appendingPathComponent("\(name).txt")
        let text = frame.plainText + "\n"
        if Self.record {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden frame \(name).txt (RECORD_GOLDEN=1 records it)", file: file, line: line)
            return
        }
        XCTAssertEqual(text, expected, "frame \(name) differs from Golden/\(name).txt (RECORD_GOLDEN=1 re-records)", file: file, line: line)
    }
}
