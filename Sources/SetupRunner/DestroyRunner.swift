import Foundation
import RunModel
import SetupPlan

/// Runs a destroy plan in the workspace's destroy journal (`destroy-state.json`), the way the wizard and the
/// `destroy` and `resume` commands all do: an unfinished destroy of the same run continues, anything else in that
/// journal is put aside and the destroy starts afresh (every deletion is probed first). After a destroy succeeds
/// the setup journal moves aside (`state.destroyed.json`), so `apply` with the same answers starts from scratch.
public final class DestroyRunner: Sendable {
    /// The engine, its journal the destroy's.
    public let runner: SetupRunner

    /// A destroy of `plan` (a `DestroyPlan`'s steps, with the setup's answers) in `workspace`.
    public init(plan: Plan, workspace: URL, options: RunOptions = RunOptions()) {
        // One deletion after another, in the plan's order: its steps name no needs.
        var sequential = options
        sequential.concurrency = 1
        runner = SetupRunner(plan: plan, workspace: workspace, options: sequential, journalFile: WorkspaceFiles.destroyJournal)
    }

    /// Stops the destroy in progress (see `SetupRunner.cancel`).
    public func cancel() { runner.cancel() }

    /// Whether `run` continues an unfinished destroy of this run rather than starting afresh.
    public func continuesUnfinished() throws -> Bool {
        guard let previous = try Journal.load(from: runner.journalURL) else { return false }
        return previous.result != .succeeded && previous.isFor(normalizedAnswers: runner.normalizedAnswers)
    }

    /// Runs the destroy (see the type's summary); returns how it ended.
    public func run(skipping: Set<StepID> = [], observer: some RunObserver) async throws -> RunResult {
        let mode: RunMode
        if try continuesUnfinished() {
            mode = .resume
        } else {
            if FileManager.default.fileExists(atPath: runner.journalURL.path) { try FileManager.default.removeItem(at: runner.journalURL) }
            mode = .fresh
        }
        let result = try await runner.run(mode: mode, skipping: skipping, observer: observer)
        if result == .succeeded { try Self.archiveSetupJournal(workspace: runner.workspace.url) }
        return result
    }

    /// Moves the setup journal aside as `state.destroyed.json` (replacing an earlier one); returns where it is now.
    @discardableResult
    public static func archiveSetupJournal(workspace: URL) throws -> URL {
        let folder = Workspace(url: workspace)
        let archived = folder.url.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal)
        if FileManager.default.fileExists(atPath: archived.path) { try FileManager.default.removeItem(at: archived) }
        try FileManager.default.moveItem(at: folder.journalURL, to: archived)
        return archived
    }
}
