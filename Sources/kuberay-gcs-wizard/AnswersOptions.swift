import ArgumentParser
import Foundation
import SetupPlan

/// `--answers FILE` and `--set key.path=value`, shared by every command that takes answers.
struct AnswersOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("An answers file (YAML).", valueName: "file"))
    var answers: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set one answer, e.g. --set bucket.name=my-bucket (repeatable, applied after the file).", valueName: "key.path=value"))
    var overrides: [String] = []

    /// The validated answers, or every problem printed to stderr and exit status 2.
    func load() throws -> Answers {
        var text = ""
        if let path = answers {
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                Console.error("error: cannot read the answers file \(path): \(error.localizedDescription)")
                throw ExitCode(2)
            }
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
