import SetupPlan
import RunModel

extension WizardState {
    /// The buttons of the stopped screen: what makes sense after a failure, an interruption or a refusal to start.
    public var stoppedActions: [ScreenAction] {
        guard let run else { return [.quit] }
        if run.startError != nil { return [.retry, .editAnswers, .quit] }
        // Nothing failed to retry or skip: what stopped the run, with its fix, is Review's checklist, read anew.
        if run.stoppedByPreflight { return [.showChecks, .editAnswers, .quit] }
        if run.result == .interrupted { return [.resume, .editAnswers, .quit] }
        return [.retry, .skip, .editAnswers, .quit]
    }

    /// The buttons of the resume screen: an unfinished destroy is continued or left for later.
    public var resumeActions: [ScreenAction] { destroyJournal != nil ? [.resume, .quit] : [.resume, .startOver, .destroy, .quit] }

    mutating func handleStoppedKey(_ command: Command?) -> [WizardEffect] {
        if case .pressed(let action)? = ButtonRow.handle(command, stoppedActions, focus: &actionFocus) { return performStopped(action) }
        guard command == .viewLog, let run else { return [] }
        return openLog(run.selected)
    }

    private mutating func performStopped(_ action: ScreenAction) -> [WizardEffect] {
        guard let run else { return action == .quit ? quit() : [] }
        switch action {
        case .retry:
            // After a refusal the same request is tried again; after a failure the journal is continued.
            return startRun(run.plan, mode: run.startError != nil ? run.mode : .resume, skipping: [])
        case .skip:
            guard let failed = run.stoppedOutcome else { return [] }
            return startRun(run.plan, mode: .resume, skipping: [failed.stepID])
        case .resume:
            return startRun(run.plan, mode: .resume, skipping: [])
        case .editAnswers:
            enterPage(0)
            return []
        case .showChecks:
            return enterReview()
        case .quit:
            return quit()
        default:
            return []
        }
    }

    /// What will not work when the failed step is skipped.
    public func skipWarning(for stepID: StepID) -> String {
        guard let plan = run?.plan, let step = plan.step(stepID) else { return "" }
        switch step.kind {
        case .check:
            return "Skipping a check: later steps that need it will likely fail the same way."
        case .verify:
            return "Skipping the check: nothing proves the Ray pods can read and write the bucket."
        case .create, .update, .configure, .delete:
            let later = plan.steps.drop { $0.id != stepID }.dropFirst().count
            return "\"\(step.title)\" will not be done: the \(later) later steps may fail or leave the Ray pods without bucket access."
        }
    }

    mutating func handleResumeKey(_ command: Command?) -> [WizardEffect] {
        if case .pressed(let action)? = ButtonRow.handle(command, resumeActions, focus: &actionFocus) { return performResume(action) }
        return []
    }

    private mutating func performResume(_ action: ScreenAction) -> [WizardEffect] {
        if let unfinished = destroyJournal {
            switch action {
            case .resume: return continueDestroy(options: DestroyOptions(ofSteps: unfinished.steps.map(\.id)))
            case .quit: return quit()
            default: return []
            }
        }
        if let journalAnswers = journal?.answers, journalAnswers != answers {
            answers = journalAnswers
            editors = Self.editors(for: answers)
        }
        let plan = PlanBuilder.build(answers, checkScript: checkScript)
        switch action {
        case .resume: return startRun(plan, mode: .resume, skipping: [])
        // Start over probes every step again: what exists shows up as already done.
        case .startOver: return startRun(plan, mode: .fresh, skipping: [])
        case .destroy:
            enterDestroy()
            return []
        case .quit: return quit()
        default: return []
        }
    }

    mutating func handleDoneKey(_ command: Command?) -> [WizardEffect] {
        switch command {
        case .quit?:
            return quit()
        case .openSession? where destroy == nil:
            // The forward runs until Ctrl-C with lines of its own (drops, reconnects) and a URL to copy: it belongs in
            // the normal screen, as the command `session`, rather than under a UI that would cover them.
            return [.endWizard(then: .session, message: doneExitMessage)]
        case .submitExample? where destroy == nil:
            // The job's log is followed live and the wizard exits with its result, as the command `submit` does.
            guard let run else { return [] }
            return [.endWizard(then: .submit(argv: RayJobManifest.exampleArgv(run.plan.answers)), message: doneExitMessage)]
        case .viewLog?:
            guard let run, let verify = run.plan.bucketCheckIndex else { return [] }
            return openLog(verify)
        case .action(.destroy)? where destroy == nil:
            enterDestroy()
            return []
        default:
            return []
        }
    }
}
