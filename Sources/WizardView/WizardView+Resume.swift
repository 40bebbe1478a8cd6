import Cells
import RunModel
import WizardModel

extension WizardView {
    static func drawResume(_ canvas: inout Canvas, _ state: WizardState) {
        // An unfinished destroy came after the run it undoes: it is what resumes.
        let destroying = state.destroyJournal != nil
        guard let journal = state.destroyJournal ?? state.journal else { return }
        let g = canvas.glyphs
        canvas.titleBar(destroying ? "Unfinished destroy" : "Unfinished run")
        let total = journal.steps.count
        let complete = journal.steps.filter { $0.status.isComplete }.count
        canvas.clipped("\(state.workspace) holds \(destroying ? "an unfinished destroy" : "a run that did not finish"): \(complete) of \(total) steps complete.",
                       x: 2, y: 2, limit: canvas.width - 4, style: Style(bold: true))
        if let stop = journal.stopIndex {
            let row = journal.steps[stop]
            let how = row.status == .pending ? "next" : row.status.label
            canvas.clipped("Stopped at step \(stop + 1): \(row.title) (\(how)).", x: 2, y: 3, limit: canvas.width - 4)
        }
        // Show the steps around where it stopped.
        let top = 5
        let buttonsRow = canvas.height - 5
        let rows = max(1, buttonsRow - 1 - top)
        let focus = journal.stopIndex ?? 0
        let start = max(0, min(focus - rows / 2, total - rows))
        let numberWidth = String(total).count
        for (offset, row) in journal.steps.dropFirst(start).prefix(rows).enumerated() {
            let index = start + offset
            let y = top + offset
            let style = statusStyle(row.status)
            canvas.text(g.status(row.status, frame: 0), x: 3, y: y, style: style)
            let number = String(index + 1)
            let x = canvas.text(String(repeating: " ", count: max(0, numberWidth - number.count)) + number + ".",
                                x: 4 + DisplayWidth.of(g.pending), y: y, style: Style(.muted)) + 1
            let label = row.status.label
            canvas.clipped(row.title, x: x, y: y, limit: canvas.width - x - DisplayWidth.of(label) - 4,
                           style: Style(bold: index == journal.stopIndex))
            canvas.text(label, x: canvas.width - DisplayWidth.of(label) - 2, y: y, style: style)
        }
        canvas.rule(y: buttonsRow - 1)
        let actions = state.resumeActions
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: buttonsRow)
        let focused = actions.indices.contains(state.actionFocus) ? actions[state.actionFocus] : .quit
        let note: String
        switch focused {
        case .resume where destroying:
            note = "Continues the destroy with the choices it was started with; finished deletions are not run again."
        case .resume: note = "Continues at the first step not complete; complete steps are not run again."
        case .startOver: note = "Checks every step again: what already exists shows as already done, the rest runs."
        default: note = "Leaves the wizard; the journal stays for later."
        }
        canvas.wrapped(g.text(note), x: 2, y: buttonsRow + 1, limit: canvas.width - 4, maxRows: 2, style: Style(.muted))
        canvas.footer(KeyBindings.bindings(.resume))
    }
}
