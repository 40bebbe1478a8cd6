import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import WizardModel
import WizardResources

/// Runs a plan with a view of `RunViews`, turns SIGINT/SIGTERM into a clean stop, and maps the result to an exit status.
public enum RunSession {
    /// The plan for answers, with the in-pod check script from the resources.
    public static func plan(for answers: Answers) -> Plan {
        PlanBuilder.build(answers, checkScript: WizardResources.bucketProbeScript)
    }

    /// Runs `plan` in `workspace`; returns 0 done, 1 a step failed, 130 interrupted, 2 when the journal cannot be used.
    public static func run(plan: Plan, workspace: URL, mode: RunMode, options: RunOptions, verbose: Bool,
                           output: OutputFormat = .text, color: Bool = false, gate: RunGate? = nil) async throws -> Int32 {
        let runner = SetupRunner(plan: plan, workspace: workspace, options: options)
        let view: any RunObserver
        switch output {
        case .json:
            view = JSONRunView(plan: plan, workspace: workspace)
        case .text:
            // session prints how to load the Ray token, and submit hands it over itself.
            let closing = ["Dashboard on localhost (kept up until Ctrl-C): \(WorkspaceFiles.sessionCommand(workspace: workspace.path))",
                           "Run a job as the bucket's identity: \(WorkspaceFiles.submitCommand(workspace: workspace.path))"]
                + (NextSteps.trainStorage(plan.answers).map { ["Ray Train checkpoints on the bucket: \($0)"] } ?? [])
            view = TextRunView(plan: plan, workspace: workspace, showOutput: verbose, closingLines: closing, color: color)
        }
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        do {
            return exitStatus(try await runner.run(mode: mode, gate: gate, observer: view))
        } catch let error as JournalError {
            Console.error("error: \(error)")
            return 2
        }
    }

    /// Whether preflight still has a say: nothing the plan creates was attempted yet in the workspace's journal.
    static func beforeAnythingCreated(plan: Plan, workspace: URL) throws -> Bool {
        guard let journal = try loadJournal(workspace: workspace) else { return true }
        let statuses = plan.steps.map { step in journal.step(step.id)?.status ?? .pending }
        return RunGate.index(in: plan, statuses: statuses) != nil
    }

    /// The gate for a run of `plan` with `settings` (nil once something was created).
    static func gate(plan: Plan, workspace: URL, settings: RunSettings, earlier: PreflightSession.Outcome?,
                     output: OutputFormat) throws -> RunGate? {
        guard try beforeAnythingCreated(plan: plan, workspace: workspace) else { return nil }
        return PreflightSession.gate(plan.answers, earlier: earlier, skip: settings.skipPreflight,
                                     view: PreflightView(output))
    }

    /// 0 done, 1 a step failed, 130 interrupted.
    static func exitStatus(_ result: RunResult) -> Int32 {
        switch result {
        case .succeeded: return 0
        case .failed: return 1
        case .interrupted: return 130
        }
    }

    /// The workspace's journal (nil when there is none); an unreadable or foreign one is printed and exits 2.
    public static func loadJournal(workspace: URL) throws -> Journal? {
        try loadJournal(at: Workspace(url: workspace).journalURL)
    }

    /// The journal at `url` (nil when there is none); an unreadable or foreign one is printed and exits 2.
    static func loadJournal(at url: URL) throws -> Journal? {
        do {
            return try Journal.load(from: url)
        } catch {
            Console.error("error: \(error)")
            throw ExitStatus(2)
        }
    }

    /// Fails with exit 2 when the workspace's journal is unreadable or does not admit a run in `mode` of `answers`.
    static func checkJournal(workspace: URL, answers: Answers, mode: RunMode) throws {
        let journal = try loadJournal(workspace: workspace)
        let normalized = AnswersFile.normalizedYAML(answers)
        if let journal, !journal.admits(normalizedAnswers: normalized, mode: mode) {
            let error = JournalError.answersChanged(path: Workspace(url: workspace).journalURL.path,
                                                    diff: AnswersDiff.text(old: journal.normalizedAnswers, new: normalized))
            Console.error("error: \(error)\nNothing was written; or use another --workspace.")
            throw ExitStatus(2)
        }
    }
}
