import Foundation
import RunViews
import SetupPlan

/// Where a command's answers come from: an answers file (`-` for standard input) and `--set` overrides after it.
public struct AnswersSource: Sendable, Equatable {
    /// The answers file; nil for none (the defaults).
    public var file: String?
    /// `key.path=value`, applied in order after the file.
    public var overrides: [String]

    public init(file: String? = nil, overrides: [String] = []) {
        self.file = file
        self.overrides = overrides
    }

    /// The validated answers; every problem is printed to stderr and the session exits 2.
    public func load() throws -> Answers {
        var text = ""
        if let path = file {
            // FileHandle rather than String(contentsOfFile:) so pipes and `<(...)` work too.
            let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
            guard let handle, let data = try? handle.readToEnd() ?? Data(), let contents = String(data: data, encoding: .utf8) else {
                Console.error("error: cannot read the answers file \(path): it does not exist, is not readable, or is not UTF-8 text")
                throw ExitStatus(2)
            }
            text = contents
        }
        do {
            return try AnswersFile.load(yaml: text, overrides: overrides)
        } catch {
            let source = file.map { " in \($0)" } ?? ""
            let count = error.errors.count
            Console.error("error: \(count) problem\(count == 1 ? "" : "s") with the answers\(source); nothing was run or written:")
            for problem in error.errors { Console.error("  \(problem)") }
            throw ExitStatus(2)
        }
    }

    /// These answers, or the workspace's `answers.yaml` when no file is named.
    public func orWorkspace(_ workspace: String?) -> AnswersSource {
        guard file == nil, let workspace else { return self }
        return AnswersSource(file: URL(fileURLWithPath: workspace).appendingPathComponent(WorkspaceFiles.answers).path, overrides: overrides)
    }
}
