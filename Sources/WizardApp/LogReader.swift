import Foundation
import WizardModel

/// Reads a step's log for the full-screen viewer, keeping the end of very long logs.
enum LogReader {
    /// Lines kept; a step that printed more shows its last lines with a note of how many came before.
    static let maxLines = 10_000

    /// The log at `path` (relative to `workspace`) as lines, or why it could not be read.
    static func read(_ path: String, workspace: URL) -> LogLoadResult {
        let url = workspace.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return .failed("\(url.path) does not exist yet or cannot be read")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count > maxLines else { return .lines(lines) }
        let dropped = lines.count - maxLines
        return .lines(["[\(dropped) earlier lines not shown; the whole log is \(url.path)]"] + lines.suffix(maxLines))
    }
}
