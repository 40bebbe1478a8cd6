import SetupPlan
import RunModel

extension WizardState {
    /// The buttons of the review screen.
    public static let reviewActions: [ScreenAction] = [.run, .save, .edit]

    /// Builds the plan once and opens the review, starting preflight's checks for a new plan; answers that do not
    /// validate send the person to the first page with a problem instead.
    mutating func enterReview() -> [WizardEffect] {
        syncOptionalFields()
        let problems = Validator.validate(answers)
        if let first = problems.first {
            enterPage(WizardPage.index(of: first.path))
            for problem in problems where errors[problem.path] == nil {
                errors[problem.path] = problem.description
            }
            focus = visibleFields.firstIndex { $0.path == first.path } ?? 0
            return []
        }
        destroy = nil
        let plan = PlanBuilder.build(answers, checkScript: checkScript)
        // The same plan keeps its tabs' positions; the pane's height depends on how many summary lines it has.
        let kept = self.review.flatMap { $0.plan == plan ? $0 : nil }
        // A plan whose checks are not on screen (none yet, or the run's gate stopped after Review's), or whose checks
        // stopped the run, is checked again: what stopped it may have been fixed meanwhile (a quota granted, a bucket
        // renamed elsewhere), and the answers may be the same.
        let fresh = kept?.preflight == nil || kept?.preflight.map { !$0.isChecking && $0.stops } == true
        var review = kept ?? ReviewState(plan: plan, width: Layout.paneColumns(size))
        review.fit(review.paneGeometry(size))
        self.review = review
        screen = .review
        actionFocus = 0
        message = nil
        return fresh ? startPreflight() : []
    }

    mutating func handleReviewKey(_ command: Command?) -> [WizardEffect] {
        guard var review else { return [] }
        let rows = review.paneGeometry(size).rows
        switch command {
        case .nextTab?: review.tab = PreviewTab(rawValue: (review.tab.rawValue + 1) % PreviewTab.allCases.count) ?? .commands
        case .previousTab?:
            let count = PreviewTab.allCases.count
            review.tab = PreviewTab(rawValue: (review.tab.rawValue + count - 1) % count) ?? .commands
        case .showTab(let tab)?: review.tab = tab
        default:
            switch ButtonRow.handle(command, Self.reviewActions, focus: &actionFocus) {
            case .pressed(let action)?: return perform(action, plan: review.plan)
            case .moved?: break
            case nil:
                if review.tab == .checks, var preflight = review.preflight {
                    guard preflight.list.scroll(command, rows: rows) else { return [] }
                    review.preflight = preflight
                } else {
                    guard review.pane.scroll(command, rows: rows) else { return [] }
                }
            }
        }
        review.fit(review.paneGeometry(size))
        self.review = review
        return []
    }

    private mutating func perform(_ action: ScreenAction, plan: Plan) -> [WizardEffect] {
        switch action {
        case .run:
            if let refusal = preflightRefusal() {
                message = refusal
                return []
            }
            return startRun(plan, mode: runMode(for: plan.answers), skipping: [])
        case .save:
            message = "Writing the files…"
            return [.writeFiles(plan)]
        case .edit:
            enterPage(WizardPage.all.count - 1)
            return []
        default:
            return []
        }
    }

    /// Fresh without a journal; with one: continue it for the same answers, re-plan it for changed ones
    /// (complete steps stay complete), or probe everything again after it succeeded.
    func runMode(for answers: Answers) -> RunMode {
        JournalSummary.runMode(after: journal, for: answers)
    }

    /// Opens the run screen and asks the runtime to start.
    mutating func startRun(_ plan: Plan, mode: RunMode, skipping: Set<StepID>) -> [WizardEffect] {
        // Rows keep what an earlier run of these steps found, until the engine reports the journal's view.
        let previous = run?.rows ?? (destroy == nil ? journal : destroyJournal)?.steps ?? []
        // From here on the run's own journal is this session's: the one found at start is superseded.
        if destroy != nil { destroyJournal = nil }
        run = RunProgress(plan: plan, mode: mode, skipping: skipping, previous: previous, startedAt: now)
        screen = .run
        overlay = nil
        actionFocus = 0
        message = nil
        return [destroy == nil ? .startRun(plan, mode: mode, skipping: skipping) : .startDestroy(plan, mode: mode, skipping: skipping)]
    }

    mutating func filesWritten(error: String?) -> [WizardEffect] {
        if let error {
            message = "Could not write the files: \(error)"
            return []
        }
        message = nil
        return [.quit(0, message: Self.savedFilesMessage(review?.plan, workspace: workspace))]
    }

    /// What Save prints on the way out: where the files are and the command that runs them later.
    public static func savedFilesMessage(_ plan: Plan?, workspace: String) -> String {
        """
        Wrote \(plan?.workspaceFilesSentence() ?? "the files") to \(workspace).
        Run them later with:
          \(WorkspaceFiles.applyCommand(workspace: workspace))
        """
    }
}
