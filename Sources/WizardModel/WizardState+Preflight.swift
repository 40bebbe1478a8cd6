import Diagnosis
import SetupPlan

extension WizardState {
    /// Opens preflight's checklist for the review's plan and asks the runtime to read: unless an earlier run in the
    /// workspace already attempted a creating step (the names and quotas it checks may be that run's own by now).
    mutating func startPreflight() -> [WizardEffect] {
        guard var review else { return [] }
        let plan = review.plan
        let pane = review.paneGeometry(size)
        let earlier = run?.rows ?? journal?.steps ?? []
        let gate = plan.preflightGateIndex { index in
            earlier.contains { $0.id == plan.steps[index].id && $0.status.mayHaveCreated }
        }
        if gate == nil {
            review.preflight = PreflightProgress(answers: plan.answers, pane: pane, phase: .notRun("an earlier run may have created things already"))
            self.review = review
            return []
        }
        review.preflight = PreflightProgress(answers: plan.answers, pane: pane)
        self.review = review
        return [.startPreflight(plan.answers)]
    }

    mutating func applyPreflightCheck(_ answers: Answers, _ check: Check) {
        guard review?.preflight?.answers == answers, review?.preflight?.isChecking == true else { return }
        review?.preflight?.list.append(check)
    }

    mutating func finishPreflight(_ answers: Answers, _ checks: [Check], waitsForAPIs: Bool) {
        guard var preflight = review?.preflight, preflight.answers == answers, preflight.isChecking else { return }
        // What stops the run first, then the warnings: the fix of a ✗ is what the pane opens on.
        let rank: (Check) -> Int = { $0.status == .broken ? 0 : $0.status == .warning ? 1 : 2 }
        let ordered = checks.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        preflight.list.finish(ordered)
        preflight.phase = .finished(waitsForAPIs: waitsForAPIs)
        review?.preflight = preflight
        // The wait is over: the verdict line says what comes next.
        if message == Self.runWaitsForPreflight { message = nil }
        // A ✗ puts its fix on screen at once.
        if preflight.stops, screen == .review { review?.tab = .checks }
    }

    mutating func skipPreflight(_ answers: Answers) {
        guard review?.preflight?.answers == answers else { return }
        review?.preflight?.phase = .notRun("--skip-preflight")
    }

    /// What Run says while preflight's reads go on.
    static let runWaitsForPreflight = "Run waits for preflight's checks (the line under the title counts them)."

    /// Why Run cannot start now, with the checklist brought on screen; nil when it can.
    mutating func preflightRefusal() -> String? {
        guard let preflight = review?.preflight else { return nil }
        if preflight.isChecking { return Self.runWaitsForPreflight }
        guard preflight.stops else { return nil }
        review?.tab = .checks
        review?.preflight?.list.scrollToTop()
        return "Run is refused while a check fails (its fix is above); e edits the answers."
    }
}
