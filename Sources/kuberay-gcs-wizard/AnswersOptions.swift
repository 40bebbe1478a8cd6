import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan

/// `--answers FILE` and `--set key.path=value`, shared by every command that takes answers.
struct AnswersOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("An answers file (YAML); - reads standard input.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var answers: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set one answer, e.g. --set bucket.name=my-bucket (repeatable, applied after the file).", valueName: "key.path=value"),
            completion: .list(AnswerFields.all.map { $0.path + "=" }))
    var overrides: [String] = []

    /// The validated answers, or every problem printed to stderr and exit status 2.
    func load() throws -> Answers {
        var text = ""
        if let path = answers {
            // FileHandle rather than String(contentsOfFile:) so pipes and `<(...)` work too.
            let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
            guard let handle, let data = try? handle.readToEnd() ?? Data(), let contents = String(data: data, encoding: .utf8) else {
                Console.error("error: cannot read the answers file \(path): it does not exist, is not readable, or is not UTF-8 text")
                throw ExitCode(2)
            }
            text = contents
        }
        do {
            return try AnswersFile.load(yaml: text, overrides: overrides)
        } catch {
            let source = answers.map { " in \($0)" } ?? ""
            let count = error.errors.count
            Console.error("error: \(count) problem\(count == 1 ? "" : "s") with the answers\(source); nothing was run or written:")
            for problem in error.errors { Console.error("  \(problem)") }
            throw ExitCode(2)
        }
    }
}
