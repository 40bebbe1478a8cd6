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
                           output: OutputFormat = .text, color: Bool = false) async throws -> Int32 {
        let runner = SetupRunner(plan: plan, workspace: workspace, options: options)
        let view: any RunObserver
        switch output {
        case .json:
            view = JSONRunView(plan: plan, workspace: workspace)
        case .text:
            let closing = ["Dashboard: \(NextSteps.portForward(plan.answers))"]
                + (NextSteps.trainStorage(plan.answers).map { ["Ray Train checkpoints on the bucket: \($0)"] } ?? [])
            view = TextRunView(plan: plan, workspace: workspace, showOutput: verbose, closingLines: closing, color: color,
                               writeRaw: WizardDisplay.canRewriteLines && !verbose ? TextRunView.standardOutputRaw : nil)
        }
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        do {
            return exitStatus(try await runner.run(mode: mode, observer: view))
        } catch let error as JournalError {
            Console.error("error: \(error)")
            return 2
        }
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

    /// Fails with exit 2 when the workspace's journal is unreadable or belongs to other answers.
    static func checkJournal(workspace: URL, answers: Answers, allowChanged: Bool) throws {
        let journal = try loadJournal(workspace: workspace)
        let normalized = AnswersFile.normalizedYAML(answers)
        if let journal, !allowChanged, !journal.isFor(normalizedAnswers: normalized) {
            let error = JournalError.answersChanged(path: Workspace(url: workspace).journalURL.path,
                                                    diff: AnswersDiff.text(old: journal.normalizedAnswers, new: normalized))
            Console.error("error: \(error)\nNothing was written; or use another --workspace.")
            throw ExitStatus(2)
        }
    }
}
