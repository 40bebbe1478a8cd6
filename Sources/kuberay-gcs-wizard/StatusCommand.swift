import ArgumentParser
import SetupPlan
import WizardApp

/// `status`: the journal's steps and their states.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the steps of a workspace's run and their states.")

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    func run() throws {
        try ExitCode.unlessZero(RunSession.status(workspace: workspace))
    }
}
