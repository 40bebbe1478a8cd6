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

    /// What the line under the title says, as data: the view words it and picks its marks.
    public enum Verdict: Equatable, Sendable {
        /// Reads go on; `done` checks are decided so far.
        case checking(done: Int)
        /// Not run, and why.
        case notRun(reason: String)
        /// A check stops the run: the first one's title, and how many more do.
        case stops(first: String, more: Int)
        /// Nothing stops it: how many checks hold, how many warn, and whether the run reads again once the APIs are on.
        case passed(holding: Int, warnings: Int, checkedAgain: Bool)
    }

    /// Where preflight stands, for the line under the title.
    public var verdict: Verdict {
        switch phase {
        case .checking:
            return .checking(done: checks.count)
        case .notRun(let reason):
            return .notRun(reason: reason)
        case .finished(let waits):
            let broken = checks.filter { $0.status == .broken }
            if let first = broken.first { return .stops(first: first.title, more: broken.count - 1) }
            return .passed(holding: checks.filter { $0.status == .ok }.count, warnings: checks.filter { $0.status == .warning }.count,
                           checkedAgain: waits)
        }
    }
}
