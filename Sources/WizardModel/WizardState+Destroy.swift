import Cells
import SetupPlan
import RunModel

extension WizardState {
    /// The buttons of the destroy screen.
    public var destroyActions: [ScreenAction] {
        destroy?.canDeleteBucket == true ? [.destroy, .toggleBucket, .back] : [.destroy, .back]
    }

    /// The setup a destroy would undo: this session's run, else the workspace's journal; nil when nothing ran.
    var destroySource: (answers: Answers, rows: [StepRow])? {
        if let run, destroy == nil { return (run.plan.answers, run.rows) }
        if let journal { return (journal.answers, journal.steps) }
        return nil
    }

    /// Offered on the Welcome screen: the workspace holds a run that finished.
    public var offersDestroyOnWelcome: Bool { journal?.result == .succeeded }

    /// Opens the destroy preview for what the run made; `deleteBucket` includes the bucket when the run created it.
    mutating func enterDestroy(deleteBucket: Bool = false, force: Bool = false) {
        guard let source = destroySource else { return }
        let setup = PlanBuilder.build(source.answers, checkScript: checkScript)
        let records = Dictionary(source.rows.map { ($0.id, $0.status.setupRecord) }, uniquingKeysWith: { first, _ in first })
        let build = { (bucket: Bool) in
            DestroyPlanBuilder.build(setup: setup, records: records, options: DestroyOptions(deleteBucket: bucket, force: force))
        }
        let plan = build(deleteBucket)
        let canDeleteBucket = deleteBucket ? plan.deletesBucket : build(true).deletesBucket
        let returnTo = destroy?.returnTo ?? screen
        destroy = DestroyState(plan: plan, canDeleteBucket: canDeleteBucket, width: Layout.destroyPane(size).columns, returnTo: returnTo)
        screen = .destroy
        overlay = nil
        actionFocus = 0
        message = nil
    }

    mutating func handleDestroyKey(_ command: Command?) -> [WizardEffect] {
        guard var state = destroy else { return [] }
        if case .pressed(let action)? = ButtonRow.handle(command, destroyActions, focus: &actionFocus) { return performDestroy(action) }
        if state.pane.scroll(command, rows: Layout.destroyPane(size).rows) { destroy = state }
        return []
    }

    private mutating func performDestroy(_ action: ScreenAction) -> [WizardEffect] {
        guard let state = destroy else { return [] }
        switch action {
        case .destroy:
            guard state.deletes else {
                message = "Nothing to delete."
                return []
            }
            destroy?.typed = LineEditor()
            overlay = .confirmDestroy
            return state.plan.deletesBucket && state.usage == nil ? [.readBucketUsage(state.plan.bucketContents)] : []
        case .toggleBucket:
            let usage = state.usage
            enterDestroy(deleteBucket: !state.plan.deletesBucket)
            destroy?.usage = usage
            actionFocus = destroyActions.firstIndex(of: .toggleBucket) ?? 0
            return []
        case .back:
            screen = state.returnTo
            destroy = nil
            actionFocus = 0
            message = nil
            return []
        default:
            return []
        }
    }

    /// The confirmation: the bucket's name typed out when it is deleted, else y.
    mutating func handleConfirmDestroyKey(_ key: Key) -> [WizardEffect] {
        guard var state = destroy else { return [] }
        let bucket = state.plan.plan.answers.bucket.name
        if key == .escape || key == .ctrl("c") {
            overlay = nil
            return []
        }
        if state.plan.deletesBucket {
            if key == .enter {
                guard state.typed.text == bucket else {
                    message = "Type \(bucket) to delete it, or Esc to go back."
                    return []
                }
                return startDestroy()
            }
            if state.typed.handle(key) {
                destroy = state
                message = nil
            }
            return []
        }
        switch key {
        case .char("y"), .char("Y"): return startDestroy()
        case .char("n"), .char("N"), .enter: overlay = nil
        default: break
        }
        return []
    }

    /// Continues the unfinished destroy with the choices it was started with (they were confirmed then), as `resume`
    /// does; finished deletions are not run again.
    mutating func continueDestroy(options: DestroyOptions) -> [WizardEffect] {
        enterDestroy(deleteBucket: options.deleteBucket, force: options.force)
        guard destroy != nil else {
            message = "The setup journal this destroy undoes cannot be read: run \(resumeCommand)."
            return []
        }
        return startDestroy()
    }

    private mutating func startDestroy() -> [WizardEffect] {
        guard let plan = destroy?.plan.plan else { return [] }
        message = nil
        // The engine continues an unfinished destroy of the same run (its journal says so) or starts afresh.
        return startRun(plan, mode: .fresh, skipping: [])
    }

    mutating func bucketUsageRead(_ text: String) {
        destroy?.usage = text
    }

    /// Printed after a finished destroy.
    var destroyedExitMessage: String {
        "Destroyed what the run in \(workspace) created. Its journal is now \(workspace)/\(WorkspaceFiles.destroyedSetupJournal); "
            + "the wizard or apply with the same answers sets it up again from scratch."
    }
}
