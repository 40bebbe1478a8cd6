import Foundation
import SetupPlan
import RunModel

/// The current or last run: every step's state, the live output tail and how the run ended.
public struct RunProgress: Equatable, Sendable {
    /// The plan being run.
    public var plan: Plan
    public var mode: RunMode
    /// Steps skipped on purpose in this run.
    public var skipping: Set<StepID>
    public var rows: [StepRow]
    /// The step that started last and still runs (or the last one that ran); several may run at once.
    public var current: Int?
    /// The step `l` opens and the output pane shows; follows the running steps until the person moves it.
    public var selected: Int
    public var followsCurrent: Bool
    /// The last output lines of each step this run started, by index.
    public var tails: [Int: OutputTail]
    /// Lines kept per step.
    public let tailCapacity: Int
    public var startedAt: Date
    /// The total time, once finished.
    public var seconds: Double?
    public var result: RunResult?
    /// How each step ended in this run, by index.
    public var outcomes: [Int: StepOutcome]
    /// Ctrl-C was pressed; waiting for the engine to stop the step.
    public var stopping: Bool
    /// The engine refused to run (e.g. the journal belongs to other answers).
    public var startError: String?
    /// Preflight's verdict at the gate before the first step that creates anything, once decided.
    public var gate: GateVerdict?

    /// A run of `plan` about to start; `previous` rows keep what an earlier run of the same plan found.
    public init(plan: Plan, mode: RunMode, skipping: Set<StepID> = [], previous: [StepRow] = [], startedAt: Date, tailCapacity: Int = 500) {
        self.plan = plan
        self.mode = mode
        self.skipping = skipping
        self.rows = plan.steps.map { step in
            let status = previous.first { $0.id == step.id }?.status ?? .pending
            return StepRow(id: step.id, title: step.title, status: status == .running ? .interrupted : status)
        }
        self.current = nil
        self.selected = 0
        self.followsCurrent = true
        self.tails = [:]
        self.tailCapacity = tailCapacity
        self.startedAt = startedAt
        self.seconds = nil
        self.result = nil
        self.outcomes = [:]
        self.stopping = false
        self.startError = nil
    }

    /// Still running: no result and no start error.
    public var isActive: Bool { result == nil && startError == nil }

    /// Steps done or already done.
    public var completedCount: Int { rows.filter { $0.status.isComplete }.count }

    /// The steps running now, by index in plan order.
    public var runningIndices: [Int] { rows.indices.filter { rows[$0].status == .running } }

    /// What the output pane shows: the selected step's last lines, if it ran in this run.
    public var shownTail: OutputTail? { tails[selected] }

    /// Every step that failed in this run, in plan order (several run at once, so more than one can fail).
    public var failedOutcomes: [StepOutcome] {
        outcomes.values.filter { $0.status == .failed }.sorted { $0.index < $1.index }
    }

    /// The step the run stopped on: the first that failed, else the last interrupted one; nil when none did.
    public var stoppedOutcome: StepOutcome? {
        failedOutcomes.first ?? outcomes.values.filter { $0.status == .interrupted }.max { $0.index < $1.index }
    }

    /// Preflight's gate said no before any step failed: nothing was created, and the checks' fixes are on Review.
    public var stoppedByPreflight: Bool { gate.map { !$0.passed } == true && stoppedOutcome == nil }

    /// What the bucket check printed: a line per Ray node, then the summary.
    public var verifyResult: String? {
        plan.bucketCheckIndex.flatMap { outcomes[$0]?.result }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The log file of the step at `index`, relative to the workspace.
    public func logPath(_ index: Int) -> String {
        outcomes[index]?.logPath ?? WorkspaceFiles.logPath(index: index, stepID: rows[index].id)
    }
}
