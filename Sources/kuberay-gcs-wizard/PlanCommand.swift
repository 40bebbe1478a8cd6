import RunViews
import RunModel
import ArgumentParser
import SetupPlan
import WizardResources

/// `plan`: everything that would run, nothing run.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show the commands and the RayCluster manifest; run nothing.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, script, yaml
    }

    @OptionGroup var answers: AnswersOptions

    @Option(help: "text (numbered steps and the manifest), json, script (setup.sh) or yaml (the manifest).")
    var format: Format = .text

    func run() throws {
        let plan = PlanBuilder.build(try answers.load(), checkScript: WizardResources.bucketCheckScript)
        switch format {
        case .text: Console.out(PlanText.render(plan))
        case .json: Console.out(PlanJSON.render(plan))
        case .script: Console.out(SetupScript.render(plan))
        case .yaml: Console.out(plan.manifest)
        }
    }
}
