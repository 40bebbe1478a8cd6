import Cells
import Foundation
import SetupPlan
import RunModel

/// The wizard's one state transition: applies `action` to `state` and returns the effects for the runtime.
/// Pure: no I/O, no clock (time arrives as `.tick`).
public func update(_ state: inout WizardState, _ action: WizardAction) -> [WizardEffect] {
    switch action {
    case .start(let terminalUTF8):
        state.asciiOnly = !terminalUTF8
        return state.screen == .welcome ? [.detectEnvironment] : []
    case .signal(let exitStatus):
        return state.handleSignal(exitStatus)
    case .key(let key):
        return state.handleKey(key)
    case .resize(let size):
        state.size = size
        state.relayout()
        return []
    case .tick(let date):
        state.now = date
        return []
    case .environmentDetected(let detection):
        state.applyDetection(detection)
        return []
    case .runEvent(let event):
        return state.applyRunEvent(event) + state.quitIfRunStopped()
    case .runOutput(let lines):
        state.applyRunOutput(lines)
        return []
    case .runFailedToStart(let message):
        state.runFailedToStart(message)
        return state.quitIfRunStopped()
    case .logLoaded(let stepID, let result):
        state.applyLog(stepID: stepID, result: result)
        return []
    case .filesWritten(let error):
        return state.filesWritten(error: error)
    case .doctorChecked(let check):
        state.applyDoctorCheck(check)
        return []
    case .doctorFinished(let checks):
        state.finishDoctor(checks)
        return []
    case .preflightChecked(let answers, let check):
        state.applyPreflightCheck(answers, check)
        return []
    case .preflightFinished(let answers, let checks, let waitsForAPIs):
        state.finishPreflight(answers, checks, waitsForAPIs: waitsForAPIs)
        return []
    case .preflightSkipped(let answers):
        state.skipPreflight(answers)
        return []
    case .bucketUsageRead(let text):
        state.bucketUsageRead(text)
        return []
    }
}

extension WizardState {
    /// The key context of what is on screen now.
    public var keyContext: KeyContext {
        switch overlay {
        case .help: return .help
        case .confirmQuit: return .confirmQuit
        case .log: return .log
        case .confirmDestroy: return .confirmDestroy
        case nil: break
        }
        switch screen {
        case .welcome: return .welcome
        case .page:
            let groups = currentPage?.listsWorkerGroups ?? false
            guard let field = focusedField else { return groups ? .groupChoiceField : .choiceField }
            switch field.kind {
            case .text, .integer: return groups ? .groupTextField : .textField
            case .boolean, .choice: return groups ? .groupChoiceField : .choiceField
            }
        case .review: return .review
        case .run: return .run
        case .stopped: return .stopped
        case .resume: return destroyJournal == nil ? .resume : .resumeDestroy
        case .done: return .done
        case .doctor: return .doctor
        case .destroy: return .destroy
        }
    }

    mutating func handleKey(_ key: Key) -> [WizardEffect] {
        // Ctrl-C during a run always stops the step, whatever is open on top: like `apply`.
        if key == .ctrl("c"), screen == .run, let run, run.isActive {
            guard !run.stopping else { return [] }
            self.run?.stopping = true
            return [.cancelRun]
        }
        // Below the minimum size nothing but the "too small" message is visible: keys would act blind.
        guard Layout.fits(size) else {
            return key == .ctrl("c") ? quit() : []
        }
        let context = keyContext
        let command = KeyBindings.command(for: key, in: context)
        switch overlay {
        case .help:
            if command == .dismiss { overlay = nil }
            return []
        case .confirmQuit:
            return handleConfirmQuit(command)
        case .log:
            handleLogKey(command)
            return []
        case .confirmDestroy:
            return handleConfirmDestroyKey(key)
        case nil:
            break
        }
        switch command {
        case .help?:
            overlay = .help
            return []
        case .interrupt?:
            overlay = .confirmQuit
            return []
        default:
            break
        }
        switch screen {
        case .welcome:
            if command == .checkSetup { return startDoctor() }
            if command == .submit {
                checksAfterPages = false
                enterPage(0)
            }
            if command == .quit { overlay = .confirmQuit }
            if command == .action(.destroy) && offersDestroyOnWelcome { enterDestroy() }
            return []
        case .page(let index):
            return handlePageKey(key, command: command, page: index)
        case .review:
            return handleReviewKey(command)
        case .run:
            return handleRunKey(command)
        case .stopped:
            return handleStoppedKey(command)
        case .resume:
            return handleResumeKey(command)
        case .done:
            return handleDoneKey(command)
        case .doctor:
            return handleDoctorKey(command)
        case .destroy:
            return handleDestroyKey(command)
        }
    }

    private mutating func handleConfirmQuit(_ command: Command?) -> [WizardEffect] {
        switch command {
        case .confirm?:
            overlay = nil
            return quit()
        case .dismiss?:
            overlay = nil
            return []
        default:
            return []
        }
    }

    /// Leaves the wizard with the exit code and message the situation calls for.
    mutating func quit() -> [WizardEffect] {
        if screen == .done { return [.quit(0, message: destroy == nil ? doneExitMessage : destroyedExitMessage)] }
        if hasUnfinishedRun { return [.quit(1, message: resumeMessage)] }
        return [.quit(130, message: nil)]
    }

    /// A signal leaves at once, or, during a run, stops the step first (the journal records it) and leaves once
    /// the run has stopped, saying how to resume.
    mutating func handleSignal(_ exitStatus: Int32) -> [WizardEffect] {
        guard isRunActive else { return [.quit(exitStatus, message: nil)] }
        exitAfterRun = exitStatus
        guard run?.stopping == false else { return [] }
        run?.stopping = true
        return [.cancelRun]
    }

    /// The quit a signal asked for during a run, once the run is over.
    mutating func quitIfRunStopped() -> [WizardEffect] {
        guard let exitStatus = exitAfterRun, !isRunActive else { return [] }
        exitAfterRun = nil
        return [.quit(exitStatus, message: resumeMessage)]
    }

    /// A run started but did not succeed (this session's, or the journal's found at start).
    var hasUnfinishedRun: Bool {
        if let run { return run.result != .succeeded }
        return journal?.isUnfinished == true || destroyJournal != nil
    }

    /// How to continue later, with the exact command.
    public var resumeMessage: String {
        let file = destroy != nil || destroyJournal != nil ? WorkspaceFiles.destroyJournal : WorkspaceFiles.journal
        return "The journal is kept in \(workspace)/\(file). Resume with:\n  \(resumeCommand)"
    }

    /// `kuberay-gcs-wizard resume --workspace DIR`, quoted for a shell.
    public var resumeCommand: String {
        WorkspaceFiles.resumeCommand(workspace: workspace)
    }

    var doneExitMessage: String {
        "Ray on GKE is ready. The Ray dashboard on localhost (until Ctrl-C):\n  \(WorkspaceFiles.sessionCommand(workspace: workspace))\n"
            + "Run a job as the bucket's identity:\n  \(WorkspaceFiles.submitCommand(workspace: workspace))\nWorkspace files: \(workspace)"
    }

    /// Re-wraps text panes after a resize.
    mutating func relayout() {
        // Only the text on screen is re-wrapped; other tabs catch up when they are shown.
        if screen == .review, let geometry = review?.paneGeometry(size) { review?.fit(geometry) }
        doctor?.fit(Layout.doctorPane(size))
        let logPane = Layout.logPane(size)
        log?.text?.rewrap(width: logPane.columns)
        log?.text?.clampOffset(rows: logPane.rows)
    }

    mutating func applyDetection(_ detection: Detection) {
        self.detection = detection
        let defaults = Answers()
        if let project = detection.project, !project.isEmpty, answers.project.isEmpty, !edited.contains("project") {
            answers.project = project
            editors["project"] = LineEditor(project)
        }
        if let zone = detection.zone, !zone.isEmpty, answers.zone == defaults.zone, !edited.contains("zone") {
            answers.zone = zone
            editors["zone"] = LineEditor(zone)
        }
    }
}
