import ArgumentParser
import SetupPlan
import WizardApp

/// `apply`: export, show, confirm, run.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run the plan with live progress; resumable.",
        discussion: "Exit status: 0 all done, 1 a step failed (see status), 2 usage or invalid answers, 130 interrupted.")

    @OptionGroup var answers: AnswersOptions

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Run without asking (required when standard input is not a terminal).")
    var yes = false

    @OptionGroup var flags: RunFlags

    @OptionGroup var preflight: PreflightFlag

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try ExitCode.unlessZero(await RunSession.apply(answers.source, workspace: workspace, yes: yes, settings: preflight.apply(to: flags.settings), output: output.format))
    }
}
