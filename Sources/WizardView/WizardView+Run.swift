import Cells
import RunModel
import WizardModel

extension WizardView {
    static func drawRun(_ canvas: inout Canvas, _ state: WizardState) {
        guard let run = state.run else { return }
        let g = canvas.glyphs
        let total = run.rows.count
        let elapsed = run.seconds ?? state.now.timeIntervalSince(run.startedAt)
        let running = run.runningIndices
        let position = running.count > 1 ? "\(running.count) steps at once" : run.current.map { "step \($0 + 1)/\(total)" } ?? "starting"
        canvas.titleBar("\(run.stopping ? "Stopping" : "Running") · \(position) · \(run.completedCount)/\(total) done · \(DurationText.format(elapsed))")

        let tailRows = max(4, (canvas.height - 4) / 4)
        let listTop = 2
        let listBottom = canvas.height - 2 - tailRows  // exclusive
        drawStepList(&canvas, state, run, top: listTop, rows: max(1, listBottom - listTop), selectable: true)

        // The live output of the selected step (the running one it follows, or the one the person chose).
        let header = listBottom
        let shown = run.shownTail == nil ? run.current : run.selected
        let title = shown.map { "Output of step \($0 + 1): \(run.rows[$0].title)" } ?? "Output"
        canvas.rule(y: header)
        canvas.clipped(" \(title) ", x: 2, y: header, limit: canvas.width - 4, style: Style(.muted, bold: true))
        // Long lines (gcloud's errors, URLs) wrap rather than lose their end; the newest rows stay in view.
        let paneRows = tailRows - 1
        let lines = shown.flatMap { run.tails[$0] }?.lines.suffix(paneRows) ?? []
        let rows = TextWrap.wrap(Array(lines), width: canvas.width - 4, continuation: "  ").suffix(paneRows)
        for (i, line) in rows.enumerated() {
            canvas.clipped(line, x: 2, y: header + 1 + i, limit: canvas.width - 4)
        }
        if run.stopping {
            canvas.text(g.text("Stopping the step (SIGTERM, then SIGKILL)…"), x: 2, y: canvas.height - 2, style: Style(.warning, bold: true))
        } else if let current = shown, let wait = run.rows[current].wait, run.rows[current].status == .running {
            // What the shown step waits for, with the time so far: the run's status line.
            let elapsed = run.rows[current].startedAt.map { state.now.timeIntervalSince($0) } ?? wait.elapsedSeconds
            let line = wait.text(elapsed: elapsed)
            let text = line.prefix(1).uppercased() + line.dropFirst()
            canvas.clipped(g.text(text), x: 2, y: canvas.height - 2, limit: canvas.width - 4, style: Style(.warning, bold: true))
        }
        canvas.footer(KeyBindings.bindings(.run))
    }

    /// The steps with their states, scrolled so the selected (or running) step is in view.
    static func drawStepList(_ canvas: inout Canvas, _ state: WizardState, _ run: RunProgress, top: Int, rows: Int, selectable: Bool) {
        let g = canvas.glyphs
        let focusIndex = selectable ? run.selected : (run.current ?? 0)
        var start = max(0, focusIndex - rows / 2)
        start = max(0, min(start, run.rows.count - rows))
        let numberWidth = String(run.rows.count).count
        let glyphWidth = DisplayWidth.of(g.pending)
        for (offset, row) in run.rows.dropFirst(start).prefix(rows).enumerated() {
            let index = start + offset
            let y = top + offset
            let selected = selectable && index == run.selected
            if selected { canvas.text(g.focus, x: 1, y: y, style: Style(.accent, bold: true)) }
            let style = statusStyle(row.status)
            canvas.text(g.status(row.status, frame: spinnerFrame(state)), x: 3, y: y, style: style)
            let number = String(index + 1)
            let numberText = String(repeating: " ", count: max(0, numberWidth - number.count)) + number + "."
            let titleX = canvas.text(numberText, x: 4 + glyphWidth, y: y, style: Style(.muted)) + 1
            // The title is read whole where it can be: a finished step's time gives way to it first.
            var right = statusText(row, state, withTime: true)
            if DisplayWidth.of(row.title) > canvas.width - titleX - DisplayWidth.of(right) - 3, row.status != .running {
                right = statusText(row, state, withTime: false)
            }
            let rightWidth = DisplayWidth.of(right)
            let titleLimit = canvas.width - titleX - rightWidth - 3
            var end = canvas.clipped(row.title, x: titleX, y: y, limit: titleLimit,
                                     style: Style(bold: selected || row.status == .running))
            if let wait = row.wait, row.status == .running {
                end = canvas.clipped(" (\(g.text("waiting for " + wait.what)))", x: end, y: y, limit: canvas.width - end - rightWidth - 3,
                                     style: Style(.muted))
            } else if let note = row.note, row.status == .running {
                end = canvas.clipped(" (\(g.text(note)))", x: end, y: y, limit: canvas.width - end - rightWidth - 3, style: Style(.muted))
            }
            canvas.text(right, x: canvas.width - rightWidth - 2, y: y, style: style)
        }
    }

    private static func statusText(_ row: StepRow, _ state: WizardState, withTime: Bool) -> String {
        switch row.status {
        case .running:
            let seconds = row.startedAt.map { state.now.timeIntervalSince($0) } ?? 0
            return DurationText.format(seconds)
        case .pending:
            return ""
        case .done:
            return withTime ? row.seconds.map(DurationText.format) ?? "done" : "done"
        case .skipped:
            return row.status.label
        case .alreadyDone, .interrupted, .failed:
            let time = withTime ? row.seconds.map(DurationText.format) : nil
            return [row.status.label, time].compactMap { $0 }.joined(separator: " ")
        }
    }

    static func statusStyle(_ status: StepStatus) -> Style {
        switch status {
        case .pending: return Style(.muted)
        case .running: return Style(.accent, bold: true)
        case .done, .alreadyDone: return Style(.success)
        case .failed: return Style(.error, bold: true)
        case .skipped, .interrupted: return Style(.warning)
        }
    }
}
