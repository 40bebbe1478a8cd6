import ArgumentParser
import SetupPlan
import WizardApp

/// `export`: write the workspace files without running anything.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the answers, the manifests and setup.sh to a workspace; run nothing.")

    @OptionGroup var answers: AnswersOptions

    @Option(help: "The workspace folder.")
    var workspace: String

    func run() throws {
        try PlanSession.export(answers.source, workspace: workspace)
    }
}
