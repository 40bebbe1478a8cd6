import Foundation
import RunViews
import SetupPlan

extension RunSession {
    /// `apply`: exports the workspace files, shows the plan and preflight's checks, asks `Proceed? [y/N]` (unless `yes`:
    /// then the checks show at the run's gate), runs it. Returns the exit status: 0 all done (or nothing run at the
    /// question), 1 a step failed or preflight stopped it (nothing created), 2 refused, 130 interrupted.
    public static func apply(_ source: AnswersSource, workspace: String, yes: Bool, settings: RunSettings,
                             output: OutputFormat) async throws -> Int32 {
        let answers = try source.load()
        let plan = plan(for: answers)
        let options = try settings.options(for: plan)
        let folder = URL(fileURLWithPath: workspace)
        try checkJournal(workspace: folder, answers: answers, mode: .fresh)
        if !yes && isatty(0) != 1 {
            Console.error("error: standard input is not a terminal, so apply cannot ask before running; add --yes to run, or use plan to review first")
            return 2
        }
        // JSON puts only events on standard output: no preview to read and no question to answer in a log.
        if output == .json && !yes {
            Console.error("error: --output json runs without asking: add --yes (plan --format json shows what would run)")
            return 2
        }
        _ = try WorkspaceExport.write(plan, to: folder)
        if output == .text {
            Console.out(PlanText.render(plan))
            Console.out("Workspace: \(folder.path) (\(plan.workspaceListing))")
        }
        // Asking first, the checks come before the question; with --yes their reads go alongside the run's first steps
        // and the gate shows them before anything is created.
        var earlier: PreflightSession.Outcome?
        if !yes, !settings.skipPreflight, try beforeAnythingCreated(plan: plan, workspace: folder) {
            let view = PreflightView(output)
            view.start()
            let outcome = await PreflightSession.check(answers) { view.show($0) }
            view.finish(outcome.verdict, waitsForAPIs: outcome.waitsForAPIs)
            if outcome.stops { return 1 }
            earlier = outcome
        }
        let gate = try gate(plan: plan, workspace: folder, settings: settings, earlier: earlier, output: output)
        if output == .json {
            return try await run(plan: plan, workspace: folder, mode: .fresh, options: options, verbose: false, output: .json, gate: gate)
        }
        if !yes {
            FileHandle.standardOutput.write(Data("Proceed? [y/N] ".utf8))
            let reply = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard reply == "y" || reply == "yes" else {
                Console.out("Nothing was run.")
                return 0
            }
        }
        return try await run(plan: plan, workspace: folder, mode: .fresh, options: options, verbose: settings.verbose,
                             color: settings.colorsLines, gate: gate)
    }
}
