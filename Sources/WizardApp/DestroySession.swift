import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import Synchronization

/// The destroy of a workspace's run: its plan, rebuilt from the setup journal, and running it in its own journal.
public struct DestroySession {
    public let workspace: URL
    /// The setup journal the plan was built from.
    public let setup: Journal
    public let destroy: DestroyPlan

    static func journalURL(_ workspace: URL) -> URL { workspace.appendingPathComponent(WorkspaceFiles.destroyJournal) }

    /// The journal of a destroy that started and did not finish, unless a setup run came after it (the newer journal
    /// is the run in progress: `apply` after a failed destroy sets up again).
    static func unfinished(workspace: URL) throws -> Journal? {
        guard let journal = try RunSession.loadJournal(at: journalURL(workspace)), journal.result != .succeeded else { return nil }
        if let setup = try RunSession.loadJournal(workspace: workspace), setup.updatedAt > journal.updatedAt { return nil }
        return journal
    }

    /// The destroy of the run recorded in `workspace`, or nil (after printing why) when there is nothing to destroy.
    static func load(workspace: URL, options: DestroyOptions) throws -> DestroySession? {
        let finished = try RunSession.loadJournal(at: journalURL(workspace)).flatMap { $0.result == .succeeded ? $0 : nil }
        var setup = try RunSession.loadJournal(workspace: workspace)
        if let journal = setup, let finished, finished.isFor(normalizedAnswers: journal.normalizedAnswers), finished.updatedAt > journal.updatedAt {
            // Stopped between finishing and moving the setup journal aside: finish that.
            try DestroyRunner.archiveSetupJournal(workspace: workspace)
            setup = nil
        }
        guard let setup else {
            if let done = finished {
                Console.out("Nothing to destroy: the run in \(workspace.path) was destroyed at \(done.updatedAt) "
                    + "(\(WorkspaceFiles.destroyJournal)); apply creates it again.")
                return nil
            }
            Console.error("error: no run in \(workspace.path) (no \(WorkspaceFiles.journal)): nothing to destroy")
            throw ExitStatus(2)
        }
        let answers: Answers
        do {
            answers = try AnswersFile.load(yaml: setup.normalizedAnswers)
        } catch {
            Console.error("error: the answers recorded in \(Workspace(url: workspace).journalURL.path) are not valid any more:")
            for problem in error.errors { Console.error("  \(problem)") }
            throw ExitStatus(2)
        }
        let records = Dictionary(setup.steps.map { ($0.id, $0.status.setupRecord) }, uniquingKeysWith: { first, _ in first })
        let destroy = DestroyPlanBuilder.build(setup: RunSession.plan(for: answers), records: records, options: options)
        return DestroySession(workspace: workspace, setup: setup, destroy: destroy)
    }

    /// The options an unfinished destroy ran with, read from its steps (so `resume` continues the same destroy).
    static func options(of journal: Journal) -> DestroyOptions {
        DestroyOptions(ofSteps: journal.steps.map(\.id))
    }

    /// Runs the destroy with the line view (see `DestroyRunner`); returns 0 destroyed, 1 a step failed, 130
    /// interrupted, 2 when a journal cannot be used.
    func run(options: RunOptions, verbose: Bool, output: OutputFormat = .text, color: Bool = false) async throws -> Int32 {
        let plan = destroy.plan
        let runner = DestroyRunner(plan: plan, workspace: workspace, options: options)
        let printer: any RunObserver = output == .json
            ? JSONRunView(plan: plan, workspace: workspace)
            : TextRunView(plan: plan, workspace: workspace, showOutput: verbose, color: color)
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        let busy = Mutex<String?>(nil)
        let checkIndex = plan.steps.firstIndex { $0.id == .checkClusterUnused }
        let capture = ClosureObserver { event in
            if case .stepFinished(let outcome) = event, outcome.index == checkIndex, outcome.status == .failed {
                busy.withLock { $0 = outcome.result }
            }
        }
        do {
            let result = try await runner.run(observer: ObserverGroup([printer, capture]))
            // In JSON, standard output holds only the run's events.
            if result == .succeeded && output == .text {
                let archived = workspace.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal)
                Console.out("Destroyed. The setup journal is now \(archived.path); apply with the same answers starts again from scratch.")
            }
            if result == .failed, let pods = busy.withLock({ $0 }) {
                Console.error("The cluster \(plan.answers.cluster.name) runs other workloads, which deleting it would delete too:")
                for pod in pods.split(whereSeparator: \.isNewline) { Console.error("  \(pod)") }
                Console.error("Remove them and run destroy again, or delete the cluster with them: destroy --force.")
            }
            return RunSession.exitStatus(result)
        } catch let error as JournalError {
            Console.error("error: \(error)")
            return 2
        }
    }
}
