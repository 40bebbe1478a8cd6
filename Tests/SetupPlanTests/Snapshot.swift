import Foundation
import XCTest

/// The texts kept in `Snapshots/`: compared, or written anew when RECORD_SNAPSHOTS=1.
enum Snapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Asserts that `text` is what `Snapshots/name` holds (`what` says whose text it is), or records it.
    static func check(_ text: String, _ name: String, what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(what) differs from Snapshots/\(name) (RECORD_SNAPSHOTS=1 re-records)", file: file, line: line)
    }
}
