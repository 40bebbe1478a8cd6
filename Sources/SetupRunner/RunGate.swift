import RunModel
import SetupPlan

/// Preflight at the gate: what the runner does before the first step that creates anything.
public struct RunGate: Sendable {
    enum Kind: Sendable {
        case check(@Sendable () async -> GateVerdict)
        case decided(GateVerdict)
        case skipped
    }

    let kind: Kind

    /// Runs `check` at the gate; the run goes on only if its verdict passed.
    public static func check(_ check: @escaping @Sendable () async -> GateVerdict) -> RunGate { RunGate(kind: .check(check)) }

    /// A verdict reached before the run started (nothing left to read at the gate).
    public static func decided(_ verdict: GateVerdict) -> RunGate { RunGate(kind: .decided(verdict)) }

    /// `--skip-preflight`: the run goes on, and the journal says preflight was skipped.
    public static let skipped = RunGate(kind: .skipped)

    /// The index of the step the gate stands before (see `Plan.preflightGateIndex`).
    public static func index(in plan: Plan, statuses: [StepStatus]) -> Int? {
        plan.preflightGateIndex { statuses.indices.contains($0) && statuses[$0].mayHaveCreated }
    }

    /// How the journal records it, and the verdict to report (nil when skipped, or decided and shown before the run).
    func decide() async -> (verdict: GateVerdict?, record: PreflightRecord) {
        switch kind {
        case .skipped:
            return (nil, .skipped)
        case .decided(let verdict):
            return (nil, verdict.passed ? .passed : .stopped)
        case .check(let check):
            let verdict = await check()
            return (verdict, verdict.passed ? .passed : .stopped)
        }
    }
}
