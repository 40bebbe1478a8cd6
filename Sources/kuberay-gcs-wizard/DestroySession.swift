import ArgumentParser
import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import Synchronization

/// The destroy of a workspace's run: its plan, rebuilt from the setup journal, and running it in its own journal.
struct DestroySession {
    let workspace: URL
    /// The setup journal the plan was built from.
    let setup: Journal
    let destroy: DestroyPlan

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
            try archiveSetupJournal(workspace: workspace)
            setup = nil
        }
        guard let setup else {
            if let done = finished {
                Console.out("Nothing to destroy: the run in \(workspace.path) was destroyed at \(done.updatedAt) "
                    + "(\(WorkspaceFiles.destroyJournal)); apply creates it again.")
                return nil
            }
            Console.error("error: no run in \(workspace.path) (no state.json): nothing to destroy")
            throw ExitCode(2)
        }
        let answers: Answers
        do {
            answers = try AnswersFile.load(yaml: setup.normalizedAnswers)
        } catch {
            Console.error("error: the answers recorded in \(Workspace(url: workspace).journalURL.path) are not valid any more:")
            for problem in error.errors { Console.error("  \(problem)") }
            throw ExitCode(2)
        }
        let records = Dictionary(setup.steps.map { ($0.id, $0.status.setupRecord) }, uniquingKeysWith: { first, _ in first })
        let destroy = DestroyPlanBuilder.build(setup: RunSession.plan(for: answers), records: records, options: options)
        return DestroySession(workspace: workspace, setup: setup, destroy: destroy)
    }

    /// How a destroy of the run for `normalizedAnswers` starts: `.resume` continues an unfinished destroy of it; anything
    /// else in the destroy journal (a finished destroy, another run's) is removed and the destroy starts `.fresh`.
    static func prepareJournal(workspace: URL, normalizedAnswers: String) throws -> RunMode {
        let url = journalURL(workspace)
        guard let previous = try Journal.load(from: url) else { return .fresh }
        if previous.result != .succeeded && previous.isFor(normalizedAnswers: normalizedAnswers) { return .resume }
        try FileManager.default.removeItem(at: url)
        return .fresh
    }

    /// Moves `state.json` aside as `state.destroyed.json`; returns where it is now.
    @discardableResult
    static func archiveSetupJournal(workspace: URL) throws -> URL {
        let archived = workspace.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal)
        try? FileManager.default.removeItem(at: archived)
        try FileManager.default.moveItem(at: Workspace(url: workspace).journalURL, to: archived)
        return archived
    }

    /// The options an unfinished destroy ran with, read from its steps (so `resume` continues the same destroy).
    static func options(of journal: Journal) -> DestroyOptions {
        let ids = Set(journal.steps.map(\.id))
        return DestroyOptions(deleteBucket: ids.contains("delete-bucket"),
                              force: ids.contains("delete-cluster") && !ids.contains(DestroyPlanBuilder.workloadCheckID))
    }

    /// Runs the destroy: continues an unfinished one for the same run, else starts over (every deletion probed first).
    /// After a finished destroy the setup journal moves aside, so `apply` with the same answers starts from scratch.
    func run(options: RunOptions, verbose: Bool, output: OutputOptions.Format = .text, color: Bool = false) async throws -> Int32 {
        let plan = destroy.plan
        let runner = RunSession.makeRunner(plan: plan, workspace: workspace, options: options, journalFile: WorkspaceFiles.destroyJournal)
        let continuing = try Self.prepareJournal(workspace: workspace, normalizedAnswers: runner.normalizedAnswers) == .resume
        let printer: any RunObserver = output == .json
            ? JSONRunView(plan: plan, workspace: workspace)
            : TextRunView(plan: plan, workspace: workspace, showOutput: verbose, color: color,
                          writeRaw: WizardDisplay.canRewriteLines && !verbose ? TextRunView.standardOutputRaw : nil)
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        let busy = Mutex<String?>(nil)
        let checkIndex = plan.steps.firstIndex { $0.id == DestroyPlanBuilder.workloadCheckID }
        let capture = ClosureObserver { event in
            if case .stepFinished(let outcome) = event, outcome.index == checkIndex, outcome.status == .failed {
                busy.withLock { $0 = outcome.result }
            }
        }
        do {
            switch try await runner.run(mode: continuing ? .resume : .fresh, observer: ObserverGroup([printer, capture])) {
            case .succeeded:
                let archived = try Self.archiveSetupJournal(workspace: workspace)
                // In JSON, standard output holds only the run's events.
                if output == .text {
                    Console.out("Destroyed. The setup journal is now \(archived.path); apply with the same answers starts again from scratch.")
                }
                return 0
            case .failed:
                if let pods = busy.withLock({ $0 }) {
                    Console.error("The cluster \(plan.answers.cluster.name) runs other workloads, which deleting it would delete too:")
                    for pod in pods.split(whereSeparator: \.isNewline) { Console.error("  \(pod)") }
                    Console.error("Remove them and run destroy again, or delete the cluster with them: destroy --force.")
                }
                return 1
            case .interrupted: return 130
            }
        } catch let error as JournalError {
            Console.error("error: \(error)")
            return 2
        }
    }
}
