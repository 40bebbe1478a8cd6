import ArgumentParser
import SetupPlan
import WizardApp

/// `plan`: everything that would run, nothing run.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show the commands and the RayCluster manifest; run nothing.")

    @OptionGroup var answers: AnswersOptions

    @Option(help: "text (numbered steps and the manifest), json, script (\(WorkspaceFiles.script)) or yaml (the manifest).")
    var format: PlanSession.Format = .text

    func run() throws {
        try PlanSession.show(answers.source, format: format)
    }
}

extension PlanSession.Format: ExpressibleByArgument {}
