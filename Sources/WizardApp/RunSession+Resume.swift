import Foundation
import SetupPlan

extension RunSession {
    /// `resume`: continues an unfinished destroy when one came last, else the setup run at its first step not done
    /// (with `replan`, for changed answers). The answers are the workspace's unless `source` names a file.
    public static func resume(_ source: AnswersSource, workspace: String, replan: Bool, settings: RunSettings,
                              output: OutputFormat) async throws -> Int32 {
        let folder = URL(fileURLWithPath: workspace)
        if let destroy = try DestroySession.unfinished(workspace: folder) {
            // A destroy came last: resume continues it with the choices it was started with.
            guard let session = try DestroySession.load(workspace: folder, options: DestroySession.options(of: destroy)) else { return 0 }
            return try await session.run(options: try settings.options(for: session.destroy.plan), verbose: settings.verbose,
                                         output: output, color: settings.colorsLines)
        }
        let answers = try source.orWorkspace(workspace).load()
        let plan = plan(for: answers)
        let options = try settings.options(for: plan)
        try checkJournal(workspace: folder, answers: answers, mode: replan ? .replan : .resume)
        if replan { _ = try WorkspaceExport.write(plan, to: folder) }
        return try await run(plan: plan, workspace: folder, mode: replan ? .replan : .resume, options: options,
                             verbose: settings.verbose, output: output, color: settings.colorsLines,
                             gate: try gate(plan: plan, workspace: folder, settings: settings, earlier: nil, output: output))
    }
}
