import ArgumentParser
import WizardApp

/// The `kuberay-gcs-wizard` command: the interactive wizard, plus its non-interactive forms.
struct Wizard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuberay-gcs-wizard",
        abstract: "Set up a KubeRay cluster on GKE whose Ray pods read and write a Cloud Storage bucket through Workload Identity.",
        discussion: "Run without a subcommand in a terminal for the guided wizard; the subcommands below are its non-interactive forms.",
        version: ToolVersion.text,
        subcommands: [InteractiveCommand.self, PlanCommand.self, ExportCommand.self, ApplyCommand.self, ResumeCommand.self, StatusCommand.self,
                      PreflightCommand.self, DoctorCommand.self, SubmitCommand.self, SessionCommand.self, DestroyCommand.self],
        defaultSubcommand: InteractiveCommand.self
    )
}

extension Wizard {
    /// The word of `arguments` that stands where a command would and is none (nor `help` followed by one), else nil:
    /// the first word, or the first one left over after the guided wizard's options (`--plain launch`). The guided
    /// wizard takes no words, so a word there is always a mistyped or unknown command. A help flag is set aside, since
    /// ArgumentParser would answer it with the guided wizard's help before it saw the word.
    static func unknownCommand(in arguments: [String]) -> String? {
        let names = Set(configuration.subcommands.map({ $0.configuration.commandName ?? "" }) + ["help"])
        let words = arguments.filter { $0 != "--help" && $0 != "-h" }
        guard let first = words.first else { return nil }
        guard !first.hasPrefix("-") else { return leftOver(afterOptions: words, commands: names) }
        guard names.contains(first) else { return first }
        guard first == "help", let next = words.dropFirst().first, !next.hasPrefix("-"), !names.contains(next) else { return nil }
        return next
    }

    /// The word ArgumentParser finds no place for among the guided wizard's `options`, unless it is a command given
    /// after them (ArgumentParser's own error names that one).
    private static func leftOver(afterOptions options: [String], commands: Set<String>) -> String? {
        do {
            _ = try InteractiveCommand.parse(options)
            return nil
        } catch {
            guard let word = InteractiveCommand.message(for: error).firstMatch(of: /Unexpected arguments? '([^']*)'/)?.1,
                  !commands.contains(String(word)) else { return nil }
            return String(word)
        }
    }

    /// The usage error for an unknown first word: the word, then every command with what it does.
    static func unknownCommandMessage(_ word: String) -> String {
        let commands = configuration.subcommands.map { ($0.configuration.commandName ?? "", $0.configuration.abstract) }
        let width = commands.map(\.0.count).max() ?? 0
        let list = commands.map { name, abstract in
            "  " + name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + wrapped(abstract, indent: width + 4)
        }
        return (["Unknown command '\(word)'. The commands are:"] + list).joined(separator: "\n")
    }

    /// `text` in lines that fit 80 columns after `indent`, the later ones indented by as much.
    private static func wrapped(_ text: String, indent: Int) -> String {
        var lines: [String] = [""]
        for word in text.split(separator: " ") {
            if !lines[lines.count - 1].isEmpty && indent + lines[lines.count - 1].count + 1 + word.count > 80 { lines.append("") }
            lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + word
        }
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }
}
