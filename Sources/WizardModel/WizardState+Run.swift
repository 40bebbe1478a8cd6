import Foundation
import SetupPlan
import RunModel

extension WizardState {
    mutating func applyRunEvent(_ event: RunEvent) -> [WizardEffect] {
        if case .output(let index, let stepID, let stream, let line) = event {
            applyRunOutput(OutputLines(index: index, stepID: stepID, stream: stream, lines: [line]))
            return []
        }
        guard var run else { return [] }
        // Taken out while it changes: otherwise every output line would copy the tail's storage (copy on write).
        self.run = nil
        defer { self.run = run }
        switch event {
        case .runStarted(_, let statuses):
            for (index, status) in statuses.enumerated() where run.rows.indices.contains(index) {
                run.rows[index].status = status
            }
            run.startedAt = now
        case .stepStarted(let index, let stepID):
            guard run.rows.indices.contains(index) else { return [] }
            run.rows[index].status = .running
            run.rows[index].startedAt = now
            run.rows[index].note = nil
            run.rows[index].wait = nil
            run.rows[index].seconds = nil
            run.current = index
            var tail = OutputTail(capacity: run.tailCapacity)
            tail.reset(stepID: stepID)
            run.tails[index] = tail
            if run.followsCurrent { run.selected = index }
        case .stepNote(let index, _, let note):
            guard run.rows.indices.contains(index) else { return [] }
            run.rows[index].note = note
        case .stepWaiting(let index, _, let wait):
            guard run.rows.indices.contains(index) else { return [] }
            run.rows[index].note = nil
            run.rows[index].wait = wait
        case .output:
            // Taken by applyRunOutput before the run state is taken out.
            break
        case .stepFinished(let outcome):
            guard run.rows.indices.contains(outcome.index) else { return [] }
            run.rows[outcome.index].status = outcome.status
            run.rows[outcome.index].seconds = outcome.seconds
            run.rows[outcome.index].note = nil
            run.rows[outcome.index].wait = nil
            run.outcomes[outcome.index] = outcome
            // Another step still running takes over: the one that started last, shown while the person follows.
            if run.current == outcome.index, let next = run.runningIndices.max(by: {
                (run.rows[$0].startedAt ?? .distantPast) < (run.rows[$1].startedAt ?? .distantPast)
            }) {
                run.current = next
                if run.followsCurrent { run.selected = next }
            }
        case .gateFinished(let verdict):
            run.gate = verdict
            // The gate read again and stopped: Review's checklist is out of date, so Review checks anew.
            if !verdict.passed { review?.preflight = nil }
        case .runFinished(let result, let seconds):
            run.result = result
            run.seconds = seconds
            run.stopping = false
            if destroy == nil {
                journal = JournalSummary(answers: run.plan.answers, steps: run.rows, result: result)
            } else if result == .succeeded {
                // The setup journal moved aside: nothing of that run is left to resume or destroy.
                journal = nil
            }
            actionFocus = 0
            if let stopped = run.stoppedOutcome {
                run.selected = stopped.index
            }
            screen = result == .succeeded ? .done : .stopped
        }
        return []
    }

    mutating func applyRunOutput(_ lines: OutputLines) {
        guard var run, run.tails[lines.index] != nil else { return }
        // Taken out while it changes, as above.
        self.run = nil
        defer { self.run = run }
        // Output means the probe is over and the command itself runs: "checking…" no longer holds.
        if run.rows[lines.index].note == RunNote.probing { run.rows[lines.index].note = nil }
        run.tails[lines.index]?.append(contentsOf: lines)
    }

    mutating func runFailedToStart(_ message: String) {
        guard run != nil else { return }
        run?.startError = message
        run?.stopping = false
        actionFocus = 0
        screen = .stopped
    }

    mutating func handleRunKey(_ command: Command?) -> [WizardEffect] {
        guard var run else { return [] }
        switch command {
        case .selectPrevious?:
            run.selected = max(0, run.selected - 1)
            run.followsCurrent = false
        case .selectNext?:
            run.selected = min(run.rows.count - 1, run.selected + 1)
            run.followsCurrent = run.selected == run.current
        case .viewLog?:
            self.run = run
            return openLog(run.selected)
        default:
            return []
        }
        self.run = run
        return []
    }

    /// Opens the log overlay for step `index` and asks for its text.
    mutating func openLog(_ index: Int) -> [WizardEffect] {
        guard let run, run.rows.indices.contains(index) else { return [] }
        let row = run.rows[index]
        let path = run.logPath(index)
        log = LogView(stepID: row.id, title: "\(index + 1). \(row.title)", path: path)
        overlay = .log
        return [.loadLog(stepID: row.id, path: path)]
    }

    mutating func applyLog(stepID: StepID, result: LogLoadResult) {
        guard var log, log.stepID == stepID else { return }
        let pane = Layout.logPane(size)
        switch result {
        case .lines(let lines):
            var text = ScrollView(lines.map(OutputTail.sanitize), width: pane.columns)
            // A log is read from its end, where the failure is.
            text.scrollToBottom(rows: pane.rows)
            log.text = text
            log.error = nil
        case .failed(let error):
            log.error = error
        }
        self.log = log
    }

    mutating func handleLogKey(_ command: Command?) {
        guard var text = log?.text else {
            if command == .dismiss { closeLog() }
            return
        }
        if command == .dismiss {
            closeLog()
        } else if text.scroll(command, rows: Layout.logPane(size).rows) {
            log?.text = text
        }
    }

    private mutating func closeLog() {
        log = nil
        overlay = nil
    }
}
