import Diagnosis
import SetupPlan

/// Preflight on the review screen: the checklist as it fills in, and whether Run may start.
public struct PreflightProgress: Equatable, Sendable {
    /// Where it stands.
    public enum Phase: Equatable, Sendable {
        /// Reads are going on.
        case checking
        /// Every check is decided; `waitsForAPIs`: some read waits for an API the run enables (the run reads again).
        case finished(waitsForAPIs: Bool)
        /// Not run: `--skip-preflight`, or an earlier run already created things (the reason).
        case notRun(String)
    }

    /// The answers the checks are for: a result for other answers (edited since) is dropped.
    public var answers: Answers
    public var phase: Phase
    /// The checklist's rows and scroll (doctor's checklist, reused).
    public var list: DoctorProgress

    public init(answers: Answers, pane: (rows: Int, columns: Int), phase: Phase = .checking) {
        self.answers = answers
        self.phase = phase
        list = DoctorProgress(pane: pane)
    }

    public var checks: [Check] { list.checks }
    public var isChecking: Bool { phase == .checking }
    /// A ✗ stands: Run is refused.
    public var stops: Bool { Preflight.stops(checks) }

    /// The line under the buttons.
    public var statusLine: String {
        switch phase {
        case .checking:
            return "Preflight: checking billing, roles, names, offer and quotas (\(checks.count) done)"
        case .notRun(let reason):
            return "Preflight: not run (\(reason))."
        case .finished(let waits):
            if stops {
                let broken = checks.filter { $0.status == .broken }
                return "✗ \(broken[0].title)" + (broken.count > 1 ? " (+\(broken.count - 1))" : "")
                    + ": Run is refused · 4 shows the fix · e edits"
            }
            let warnings = checks.filter { $0.status == .warning }.count
            return "Preflight passed: \(checks.filter { $0.status == .ok }.count) ✓"
                + (warnings > 0 ? ", \(warnings) ! (4 shows them)" : "")
                + (waits ? "; checked again once the APIs are on" : "")
        }
    }
}
