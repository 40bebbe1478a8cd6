import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan
import SetupRunner

/// `resume`: continue where a run stopped, never redoing finished steps.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run that failed or was interrupted, at the first step not done.",
        discussion: "The answers come from the workspace's answers.yaml unless --answers or --set is given.")

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @OptionGroup var answers: AnswersOptions

    @Flag(help: "Accept changed answers: keep the finished steps and re-check the others.")
    var replan = false

    @OptionGroup var flags: RunFlags

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let folder = URL(fileURLWithPath: workspace)
        if let destroy = try DestroySession.unfinished(workspace: folder) {
            // A destroy came last: resume continues it with the choices it was started with.
            guard let session = try DestroySession.load(workspace: folder, options: DestroySession.options(of: destroy)) else { return }
            let code = try await session.run(options: try flags.options(for: session.destroy.plan), verbose: flags.verbose,
                                             output: output.format, color: WizardDisplay.colorsLines(noColorFlag: flags.noColor))
            if code != 0 { throw ExitCode(code) }
            return
        }
        var source = answers
        if source.answers == nil {
            source.answers = folder.appendingPathComponent("answers.yaml").path
        }
        let loaded = try source.load()
        let plan = RunSession.plan(for: loaded)
        let options = try flags.options(for: plan)
        try RunSession.checkJournal(workspace: folder, answers: loaded, allowChanged: replan)
        if replan { _ = try WorkspaceExport.write(plan, to: folder) }
        let code = try await RunSession.run(plan: plan, workspace: folder, mode: replan ? .replan : .resume,
                                            options: options, verbose: flags.verbose, output: output.format,
                                            color: WizardDisplay.colorsLines(noColorFlag: flags.noColor))
        if code != 0 { throw ExitCode(code) }
    }
}
