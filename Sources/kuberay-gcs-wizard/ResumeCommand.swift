import ArgumentParser
import SetupPlan
import WizardApp

/// `resume`: continue where a run stopped, never redoing finished steps.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run that failed or was interrupted, at the first step not done.",
        discussion: "The answers come from the workspace's \(WorkspaceFiles.answers) unless --answers or --set is given.")

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @OptionGroup var answers: AnswersOptions

    @Flag(help: "Accept changed answers: keep the finished steps and re-check the others.")
    var replan = false

    @OptionGroup var flags: RunFlags

    @OptionGroup var preflight: PreflightFlag

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try ExitCode.unlessZero(await RunSession.resume(answers.source, workspace: workspace, replan: replan, settings: preflight.apply(to: flags.settings),
                                               output: output.format))
    }
}
