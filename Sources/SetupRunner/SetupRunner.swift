import Foundation
import RunModel
import SetupPlan
import Synchronization

/// Runs a `Plan` in a workspace: probes, commands, journal, resume. Reports to observers; never prints.
public final class SetupRunner: Sendable {
    public let plan: Plan
    public let workspace: Workspace
    /// The plan's answers as the answers file normalizes them: what the journal is kept for.
    public let normalizedAnswers: String
    public let options: RunOptions
    /// The journal's file in the workspace: `state.json` for setup, its own file for a destroy.
    public let journalURL: URL

    private let stopSwitch = StopSwitch()
    private let isRunning = Mutex(false)

    /// A runner for `plan` in `workspace`, its journal kept for the plan's normalized answers. `journalFile` names the
    /// journal in the workspace (default `state.json`).
    public init(plan: Plan, workspace: URL, options: RunOptions = RunOptions(), journalFile: String? = nil) {
        self.plan = plan
        let folder = Workspace(url: workspace)
        self.workspace = folder
        journalURL = journalFile.map { folder.url.appendingPathComponent($0) } ?? folder.journalURL
        normalizedAnswers = AnswersFile.normalizedYAML(plan.answers)
        self.options = options
    }

    /// Stops the run in progress: each running step's process group gets SIGTERM, then SIGKILL after the
    /// grace period; those steps are marked `interrupted` and `run` returns `.interrupted`. Safe from any thread.
    public func cancel() { stopSwitch.stop() }

    /// Runs the plan in `mode`, marking the steps in `skipping` as skipped (the TUI's Skip on a failed step). Each step
    /// starts once the steps it `needs` are done, up to `options.concurrency` at once; a failed step stops new starts
    /// and lets the running ones finish. `gate` (preflight) runs before the first step that creates anything; a
    /// verdict that does not pass ends the run failed with nothing created.
    ///
    /// Returns how the run ended (a failed step is a result, not an error). Throws `JournalError` when the
    /// journal is corrupt, foreign, for other answers (outside `.replan`) or missing (`.resume`), and
    /// `WorkspaceError` when the workspace or journal cannot be written.
    public func run(mode: RunMode, skipping: Set<StepID> = [], gate: RunGate? = nil, observer: some RunObserver) async throws -> RunResult {
        let acquired = isRunning.withLock { running -> Bool in
            if running { return false }
            running = true
            return true
        }
        guard acquired else { throw JournalError.alreadyRunning }
        defer { isRunning.withLock { $0 = false } }
        stopSwitch.reset()
        return try await withTaskCancellationHandler {
            try await runLocked(mode: mode, skipping: skipping, gate: gate, observer: observer)
        } onCancel: {
            // Cancelling the calling task is the same as cancel(): stop the child cleanly, keep the journal right.
            stopSwitch.stop()
        }
    }

    private func runLocked(mode: RunMode, skipping: Set<StepID>, gate: RunGate?, observer: some RunObserver) async throws -> RunResult {
        let runStart = ContinuousClock.now
        try workspace.create()
        let existing = try Journal.load(from: journalURL)
        var journal = try Journal.prepare(
            existing: existing, mode: mode, plan: plan, normalizedAnswers: normalizedAnswers, journalPath: journalURL.path)
        // Steps an earlier run of the workspace started: a probe kept for those (Probe.onlyAfterAnEarlierStart) runs.
        let startedBefore = Set((existing?.steps ?? []).filter { $0.startedAt != nil }.map(\.id))
        // --skip-preflight is on record from the start, whatever step the run ends at.
        if case .skipped? = gate?.kind { journal.preflight = .skipped }
        try save(&journal)
        // Several steps report at once; the observer hears them one at a time.
        let observer = SerialObserver(observer)
        await observer.handle(.runStarted(steps: plan.steps.count, statuses: journal.steps.map(\.status)))

        let executor = StepExecutor(
            runner: CommandRunner(
                workingDirectory: workspace.url.path, environment: options.environment,
                gracePeriod: options.gracePeriodSeconds, maxLineBytes: options.maxLineBytes,
                stderrTailLines: options.stderrTailLines, stdoutCaptureBytes: options.stdoutCaptureBytes),
            options: options, stop: stopSwitch, workspace: workspace, plan: plan)

        let indexOf = Dictionary(plan.steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        // What this run has to run, in plan order; a step skipped on purpose stays skipped on resume (apply and replan
        // look at it again).
        var waiting = plan.steps.indices.filter { index in
            let status = journal.steps[index].status
            return !status.isComplete && !(status == .skipped && mode == .resume)
        }
        // Preflight decides where a run of one step at a time would: once the steps before it are over (the APIs are
        // on, which its second read may need), before any later step starts.
        let gateIndex = gate == nil ? nil : RunGate.index(in: plan, statuses: journal.steps.map(\.status))
        var gatePending = gateIndex != nil
        // Asked first before the API enablement, where a verdict that needs no API stands.
        var apisIndex = gate?.beforeAPIs == nil ? nil : gateIndex.flatMap { RunGate.apisIndex(in: plan, gateIndex: $0) }
        let limit = max(1, options.concurrency)
        var running: Set<Int> = []
        // Set when the run must start nothing more: a step failed, the gate said stop, or the run was stopped.
        var ending: RunResult?

        /// Whether every step `index` needs is done (or skipped, as a sequential run would go past it).
        func isReady(_ index: Int) -> Bool {
            plan.steps[index].needs.allSatisfy { need in
                guard let at = indexOf[need] else { return true }
                let status = journal.steps[at].status
                return status.isComplete || status == .skipped
            }
        }

        /// Whether every step before `index` is over.
        func reached(_ index: Int) -> Bool {
            !waiting.contains { $0 < index } && !running.contains { $0 < index }
        }

        /// Records the gate's decision and, when it stops the run, ends it.
        func settle(_ verdict: GateVerdict?, _ record: PreflightRecord) async throws {
            journal.preflight = record
            try save(&journal)
            if let verdict { await observer.handle(.gateFinished(verdict)) }
            if stopSwitch.isStopped { ending = .interrupted } else if record == .stopped { ending = .failed }
        }

        try await withThrowingTaskGroup(of: (Int, StepExecutor.Result).self) { group in
            while true {
                // Start every step whose needs are done, in plan order, up to the limit.
                while ending == nil {
                    if stopSwitch.isStopped {
                        if !waiting.isEmpty { ending = .interrupted }
                        break
                    }
                    if let index = apisIndex, let ask = gate?.beforeAPIs, reached(index) {
                        apisIndex = nil
                        if let verdict = await ask() {
                            gatePending = false
                            try await settle(verdict, verdict.passed ? .passed : .stopped)
                        }
                        continue
                    }
                    if gatePending, let gate, let gateIndex, reached(gateIndex) {
                        gatePending = false
                        let (verdict, record) = await gate.decide()
                        try await settle(verdict, record)
                        continue
                    }
                    // No step at or after where preflight still has to decide starts before it does.
                    let barrier = apisIndex ?? (gatePending ? gateIndex : nil) ?? plan.steps.count
                    guard running.count < limit, let position = waiting.firstIndex(where: { isReady($0) && $0 < barrier }) else { break }
                    let index = waiting[position]
                    let step = plan.steps[index]
                    waiting.remove(at: position)
                    if skipping.contains(step.id) {
                        journal.steps[index].status = .skipped
                        journal.steps[index].hint = nil
                        try save(&journal)
                        await observer.handle(.stepFinished(StepOutcome(
                            index: index, stepID: step.id, status: .skipped, seconds: 0, logPath: journal.steps[index].logPath)))
                        continue
                    }
                    journal.steps[index].status = .running
                    journal.steps[index].startedAt = ISOTime.string(Date())
                    journal.steps[index].finishedAt = nil
                    journal.steps[index].seconds = nil
                    journal.steps[index].exitCode = nil
                    journal.steps[index].hint = nil
                    try save(&journal)
                    await observer.handle(.stepStarted(index: index, stepID: step.id))
                    let captures = journal.captures
                    let firstStart = !startedBefore.contains(step.id)
                    running.insert(index)
                    group.addTask {
                        (index, await executor.execute(index: index, step: step, captures: captures, firstStart: firstStart,
                                                       observer: observer))
                    }
                }
                if ending == nil, stopSwitch.isStopped, !waiting.isEmpty { ending = .interrupted }
                guard !running.isEmpty, let next = try await group.next() else { break }
                let (index, result) = next
                running.remove(index)
                let outcome = result.outcome
                journal.captures.merge(result.captures) { _, new in new }
                journal.steps[index].status = outcome.status
                journal.steps[index].finishedAt = ISOTime.string(Date())
                journal.steps[index].seconds = (outcome.seconds * 1000).rounded() / 1000
                journal.steps[index].exitCode = outcome.exitCode
                journal.steps[index].hint = outcome.hint
                journal.steps[index].attempts = result.attempts
                try save(&journal)
                await observer.handle(.stepFinished(outcome))
                // A failed step lets the running ones finish; a stop (Ctrl-C, cancel) has stopped them all.
                switch outcome.status {
                case .failed: if ending == nil { ending = .failed }
                case .interrupted: ending = .interrupted
                default: break
                }
            }
        }
        if gatePending { gate?.abandon() }
        // Nothing left waiting once every step ran; a step that could never start would be a plan whose needs are not
        // earlier steps, which PlanBuilder does not make.
        let result = ending ?? (waiting.isEmpty ? .succeeded : .failed)
        journal.result = result
        try save(&journal)
        await observer.handle(.runFinished(result: result, seconds: CommandRunner.seconds(ContinuousClock.now - runStart)))
        return result
    }

    private func save(_ journal: inout Journal) throws {
        journal.updatedAt = ISOTime.string(Date())
        try journal.save(to: journalURL)
    }
}
