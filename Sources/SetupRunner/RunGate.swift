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
    /// Asked before the API enablement, once the steps before it are done: a verdict that needs no API stands there
    /// (nothing is enabled while a ✗ is known); nil leaves the decision to the gate.
    let beforeAPIs: (@Sendable () async -> GateVerdict?)?
    /// Stops what the gate started ahead of time when the run ends before reaching it.
    let abandon: @Sendable () -> Void

    init(kind: Kind, beforeAPIs: (@Sendable () async -> GateVerdict?)? = nil, abandon: @escaping @Sendable () -> Void = {}) {
        self.kind = kind
        self.beforeAPIs = beforeAPIs
        self.abandon = abandon
    }

    /// Runs `check` at the gate; the run goes on only if its verdict passed. `beforeAPIs`: asked first, before the API
    /// enablement, and its verdict stands when it has one. `abandon`: called when the run ends before either (to stop
    /// reads started ahead of time).
    public static func check(beforeAPIs: (@Sendable () async -> GateVerdict?)? = nil, abandon: @escaping @Sendable () -> Void = {},
                             _ check: @escaping @Sendable () async -> GateVerdict) -> RunGate {
        RunGate(kind: .check(check), beforeAPIs: beforeAPIs, abandon: abandon)
    }

    /// A verdict reached before the run started (nothing left to read at the gate).
    public static func decided(_ verdict: GateVerdict) -> RunGate { RunGate(kind: .decided(verdict)) }

    /// `--skip-preflight`: the run goes on, and the journal says preflight was skipped.
    public static let skipped = RunGate(kind: .skipped)

    /// The index of the step the gate stands before (see `Plan.preflightGateIndex`).
    public static func index(in plan: Plan, statuses: [StepStatus]) -> Int? {
        plan.preflightGateIndex { statuses.indices.contains($0) && statuses[$0].mayHaveCreated }
    }

    /// The index of the API enablement, where `beforeAPIs` is asked, when it comes before the gate at `gateIndex`.
    static func apisIndex(in plan: Plan, gateIndex: Int) -> Int? {
        plan.steps.firstIndex { $0.id == .enableAPIs }.flatMap { $0 < gateIndex ? $0 : nil }
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
