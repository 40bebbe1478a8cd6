import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan
import WizardResources

/// `export`: write the workspace files without running anything.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write answers.yaml, raycluster.yaml and setup.sh to a workspace; run nothing.")

    @OptionGroup var answers: AnswersOptions

    @Option(help: "The workspace folder.")
    var workspace: String

    func run() throws {
        let plan = PlanBuilder.build(try answers.load(), checkScript: WizardResources.bucketCheckScript)
        let written = try WorkspaceExport.write(plan, to: URL(fileURLWithPath: workspace))
        for file in written { Console.out("wrote \(file)") }
    }
}
