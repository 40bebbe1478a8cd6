import Cells
import Foundation
import SetupRunner
import WizardModel

extension WizardView {
    static func drawStopped(_ canvas: inout Canvas, _ state: WizardState) {
        guard let run = state.run else { return }
        let g = canvas.glyphs
        let total = run.rows.count
        let width = canvas.width - 6
        var y = 2
        if let error = run.startError {
            canvas.titleBar("The run did not start")
            canvas.text("\(g.failed) The run could not start:", x: 2, y: y, style: Style(.error, bold: true))
            y += 1
            for line in error.split(separator: "\n", omittingEmptySubsequences: false) where y < canvas.height - 8 {
                y += canvas.wrapped(String(line), x: 4, y: y, limit: width, maxRows: canvas.height - 8 - y)
            }
        } else if let outcome = run.stoppedOutcome {
            let title = run.rows.indices.contains(outcome.index) ? run.rows[outcome.index].title : outcome.stepID
            let interrupted = outcome.status == .interrupted
            canvas.titleBar("\(interrupted ? "Interrupted" : "Failed") at step \(outcome.index + 1)/\(total)")
            let glyph = interrupted ? g.interrupted : g.failed
            let verb = interrupted ? "was interrupted" : "failed"
            canvas.clipped("\(glyph) Step \(outcome.index + 1) of \(total) \(verb): \(title)", x: 2, y: y, limit: canvas.width - 4,
                           style: Style(interrupted ? .warning : .error, bold: true))
            y += 1
            var facts: [String] = []
            if let code = outcome.exitCode { facts.append("exit code \(code)") }
            facts.append("after \(Format.duration(outcome.seconds))")
            canvas.clipped(facts.joined(separator: g.separator), x: 4, y: y, limit: width, style: Style(.muted))
            canvas.clipped("log: \(state.workspace)/\(outcome.logPath) (l shows it)", x: 4, y: y + 1, limit: width, style: Style(.muted))
            y += 3
            let tail = outcome.stderrTail.map(OutputTail.sanitize).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if !tail.isEmpty {
                canvas.text("Last lines of its error output:", x: 2, y: y, style: Style(bold: true))
                y += 1
                // Room down to the buttons, leaving a blank row and the hint's three rows.
                let room = max(1, canvas.height - 8 - (y + 1) - (outcome.hint == nil ? 0 : 3))
                // Long error lines wrap (the reason is often at their end); the last rows matter most.
                let rows = tail.suffix(room).flatMap { TextWrap.wrap($0, width: width, continuation: "  ") }
                for row in rows.suffix(room) {
                    canvas.text(row, x: 4, y: y, limit: width)
                    y += 1
                }
                y += 1
            }
            if let hint = outcome.hint {
                let start = canvas.text("Hint: ", x: 2, y: y, style: Style(.warning, bold: true))
                canvas.clipped(hint.summary, x: start, y: y, limit: canvas.width - start - 2, style: Style(bold: true))
                y += 1
                y += canvas.wrapped(hint.fix, x: start, y: y, limit: canvas.width - start - 2, maxRows: 2)
            }
        } else {
            canvas.titleBar("Stopped")
            canvas.text("The run stopped.", x: 2, y: y, style: Style(.warning, bold: true))
        }

        // The buttons sit at a fixed place at the bottom, with what the focused one will do.
        let actions = state.stoppedActions
        let buttonsRow = canvas.height - 6
        canvas.rule(y: buttonsRow - 1)
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: buttonsRow)
        let focused = actions.indices.contains(state.actionFocus) ? actions[state.actionFocus] : .quit
        let note = stoppedNote(focused, state, run)
        canvas.wrapped(g.text(note), x: 2, y: buttonsRow + 1, limit: canvas.width - 4, maxRows: 2,
                       style: focused == .skip ? Style(.warning) : Style(.muted))
        let done = run.completedCount
        canvas.clipped("\(done) of \(total) steps complete; the journal is kept. To resume later:",
                       x: 2, y: canvas.height - 3, limit: canvas.width - 4, style: Style(.muted))
        canvas.clipped(state.resumeCommand, x: 4, y: canvas.height - 2, limit: canvas.width - 6, style: Style(.accent))
        canvas.footer(KeyMap.bindings(.stopped))
    }

    private static func stoppedNote(_ action: ScreenAction, _ state: WizardState, _ run: RunProgress) -> String {
        switch action {
        case .retry:
            if run.startError != nil { return "Tries to start the run again." }
            return "Runs the failed step again, then the rest; complete steps are not run again."
        case .skip: return state.skipWarning(for: run.stoppedOutcome?.stepID ?? "")
        case .resume: return "Continues where it stopped; complete steps are not run again."
        case .editAnswers: return "Back to the questions; steps already done stay done."
        case .quit: return "Leaves the wizard; nothing is undone."
        default: return ""
        }
    }
}
