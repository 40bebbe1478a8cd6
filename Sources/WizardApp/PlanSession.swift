import Foundation
import RunViews
import SetupPlan

/// `plan` and `export`: the plan shown or written to a workspace, nothing run.
public enum PlanSession {
    /// What `plan` prints.
    public enum Format: String, Sendable, CaseIterable {
        /// Numbered steps and the manifest.
        case text
        case json
        /// setup.sh.
        case script
        /// The manifest.
        case yaml
    }

    /// Prints the plan for `source`'s answers in `format`.
    public static func show(_ source: AnswersSource, format: Format) throws {
        let plan = RunSession.plan(for: try source.load())
        switch format {
        case .text: Console.out(PlanText.render(plan))
        case .json: Console.out(PlanJSON.render(plan))
        case .script: Console.out(SetupScript.render(plan))
        case .yaml: Console.out(plan.manifest)
        }
    }

    /// Writes the workspace files for `source`'s answers and names them.
    public static func export(_ source: AnswersSource, workspace: String) throws {
        let plan = RunSession.plan(for: try source.load())
        for file in try WorkspaceExport.write(plan, to: URL(fileURLWithPath: workspace)) { Console.out("wrote \(file)") }
    }
}
