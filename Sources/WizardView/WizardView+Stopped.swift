import Cells
import Foundation
import RunModel
import WizardModel

extension WizardView {
    static func drawStopped(_ canvas: inout Canvas, _ state: WizardState) {
        guard let run = state.run else { return }
        let g = canvas.glyphs
        let total = run.rows.count
        let width = canvas.width - 6

        // The bottom block sits at a fixed place: buttons, what the focused one will do, and the resume command
        // (whole, wrapped so it still pastes as one command).
        let resume = TextWrap.command(state.resumeCommand, width: canvas.width - 6)
        let resumeTop = canvas.height - 1 - resume.count
        let buttonsRow = resumeTop - 4
        let contentEnd = buttonsRow - 1  // the rule; content stays above it

        var y = 2
        if let error = run.startError {
            canvas.titleBar("The run did not start")
            canvas.text("\(g.failed) The run could not start:", x: 2, y: y, style: Style(.error, bold: true))
            y += 1
            for line in error.split(separator: "\n", omittingEmptySubsequences: false) where y < contentEnd - 1 {
                y += canvas.wrapped(String(line), x: 4, y: y, limit: width, maxRows: contentEnd - 1 - y)
            }
        } else if let gate = run.gate, run.stoppedByPreflight {
            canvas.titleBar("Preflight stopped the run")
            y += canvas.wrapped("\(g.failed) \(gate.summary)", x: 2, y: y, limit: canvas.width - 4, maxRows: 4,
                                style: Style(.error, bold: true), continuation: "  ")
            y += 1
            y += canvas.wrapped("The Review screen checks again and shows each check with its fix; e there edits the answers.",
                                x: 4, y: y, limit: width, maxRows: 2, style: Style(.muted))
        } else if let outcome = run.stoppedOutcome {
            let title = run.rows.indices.contains(outcome.index) ? run.rows[outcome.index].title : outcome.stepID.rawValue
            let interrupted = outcome.status == .interrupted
            canvas.titleBar("\(interrupted ? "Interrupted" : "Failed") at step \(outcome.index + 1)/\(total)")
            let glyph = interrupted ? g.interrupted : g.failed
            let verb = interrupted ? "was interrupted" : "failed"
            y += canvas.wrapped("\(glyph) Step \(outcome.index + 1) of \(total) \(verb): \(title)", x: 2, y: y, limit: canvas.width - 4,
                                maxRows: 2, style: Style(interrupted ? .warning : .error, bold: true), continuation: "  ")
            var facts: [String] = []
            if let ending = outcome.endingText { facts.append(ending) }
            facts.append("after \(DurationText.format(outcome.seconds))")
            canvas.clipped(facts.joined(separator: g.separator), x: 4, y: y, limit: width, style: Style(.muted))
            y += 1
            // Steps run at once, so others may have failed too: each is named (its log is on the step list).
            let others = run.failedOutcomes.filter { $0.index != outcome.index }.map { other in
                "step \(other.index + 1)" + (run.rows.indices.contains(other.index) ? " (\(run.rows[other.index].title))" : "")
            }
            if !others.isEmpty {
                y += canvas.wrapped("Also failed: " + others.joined(separator: ", "), x: 4, y: y, limit: width, maxRows: 2,
                                    style: Style(.error), continuation: "  ")
            }
            // The log's path is copied by people: whole, on its own rows when it does not fit beside the label.
            let path = "\(state.workspace)/\(outcome.logPath)"
            let logLine = "log: \(path) (l shows it)"
            if DisplayWidth.of(logLine) <= width {
                canvas.text(logLine, x: 4, y: y, style: Style(.muted))
                y += 1
            } else {
                canvas.text("log (l shows it):", x: 4, y: y, style: Style(.muted))
                y += 1
                for row in pathRows(path, width: width - 2).prefix(3) {
                    canvas.clipped(row, x: 6, y: y, limit: width - 2, style: Style(.muted))
                    y += 1
                }
            }
            y += 1

            // The hint is drawn whole under the error output, which gets the rows left (at least two).
            let hintX = 8
            let hintWidth = canvas.width - hintX - 2
            let summary = outcome.hint.map { TextWrap.wrap($0.summary, width: hintWidth, continuation: "") } ?? []
            let fix = outcome.hint.map { hintRows($0.fix, width: hintWidth) } ?? []
            let tail = outcome.stderrTail.map(OutputTail.sanitize).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let tailReserve = tail.isEmpty ? 0 : 4  // heading, two rows, blank
            let hintHeight = min(summary.count + fix.count, max(2, contentEnd - y - tailReserve))
            if !tail.isEmpty {
                canvas.text("Last lines of its error output:", x: 2, y: y, style: Style(bold: true))
                y += 1
                let room = max(1, contentEnd - y - (hintHeight > 0 ? hintHeight + 1 : 0))
                // Long error lines wrap (the reason is often at their end); the last rows matter most.
                let rows = tail.suffix(room).flatMap { TextWrap.wrap($0, width: width, continuation: "  ") }
                for row in rows.suffix(room) {
                    canvas.text(row, x: 4, y: y, limit: width)
                    y += 1
                }
                y += 1
            }
            if outcome.hint != nil {
                canvas.text("Hint:", x: 2, y: y, style: Style(.warning, bold: true))
                let shown = Array((summary.map { ($0, Style(bold: true)) } + fix).prefix(hintHeight))
                for (i, row) in shown.enumerated() where y < contentEnd {
                    let cut = i == shown.count - 1 && summary.count + fix.count > shown.count
                    canvas.clipped(cut ? row.0 + g.ellipsis : row.0, x: hintX, y: y, limit: hintWidth, style: row.1)
                    y += 1
                }
            }
        } else {
            canvas.titleBar("Stopped")
            canvas.text("The run stopped.", x: 2, y: y, style: Style(.warning, bold: true))
        }

        let actions = state.stoppedActions
        canvas.rule(y: buttonsRow - 1)
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: buttonsRow)
        let focused = actions.indices.contains(state.actionFocus) ? actions[state.actionFocus] : .quit
        let note = stoppedNote(focused, state, run)
        canvas.wrapped(g.text(note), x: 2, y: buttonsRow + 1, limit: canvas.width - 4, maxRows: 2,
                       style: focused == .skip ? Style(.warning) : Style(.muted))
        let done = run.completedCount
        canvas.clipped("\(done) of \(total) steps complete; the journal is kept. To resume later:",
                       x: 2, y: resumeTop - 1, limit: canvas.width - 4, style: Style(.muted))
        for (i, row) in resume.enumerated() {
            canvas.text(row, x: 4, y: resumeTop + i, style: Style(.accent), limit: canvas.width - 6)
        }
        canvas.footer(KeyBindings.bindings(.stopped))
    }

    /// A hint's fix as rows of `width` columns. A `backticked` command that fits in a row is never broken; one
    /// that does not gets rows of its own, wrapped so it still pastes as one command.
    static func hintRows(_ fix: String, width: Int) -> [(String, Style)] {
        var rows: [(String, Style)] = []
        var prose = ""
        func flush() {
            let text = prose.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty {
                rows += TextWrap.wrap(text, width: width, continuation: "").map {
                    ($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{00A0}", with: " "), .plain)
                }
            }
            prose = ""
        }
        var afterCommand = false
        for (i, part) in fix.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if i % 2 == 0 {
                // Prose; right after a command on its own rows, without the punctuation that joined them.
                prose += afterCommand ? String(part.drop { " .,;:".contains($0) }) : String(part)
                afterCommand = false
            } else if DisplayWidth.of("`\(part)`") <= width {
                prose += "`" + part.replacingOccurrences(of: " ", with: "\u{00A0}") + "`"
            } else {
                flush()
                rows += TextWrap.command(String(part), width: width).map { ($0, Style(.accent)) }
                afterCommand = true
            }
        }
        flush()
        return rows
    }

    /// A path in rows of `width` columns, broken after a `/` where it can be.
    static func pathRows(_ path: String, width: Int) -> [String] {
        var rows: [String] = []
        var rest = Substring(path)
        while DisplayWidth.of(String(rest)) > width, width > 0 {
            var end = rest.startIndex
            var used = 0
            while end < rest.endIndex, used + DisplayWidth.of(rest[end]) <= width {
                used += DisplayWidth.of(rest[end])
                end = rest.index(after: end)
            }
            if let slash = rest[..<end].lastIndex(of: "/"), slash > rest.startIndex { end = rest.index(after: slash) }
            if end == rest.startIndex { end = rest.index(after: end) }
            rows.append(String(rest[..<end]))
            rest = rest[end...]
        }
        rows.append(String(rest))
        return rows
    }

    private static func stoppedNote(_ action: ScreenAction, _ state: WizardState, _ run: RunProgress) -> String {
        switch action {
        case .retry:
            if run.startError != nil { return "Tries to start the run again." }
            return "Runs the failed step again, then the rest; complete steps are not run again."
        case .skip: return run.stoppedOutcome.map { state.skipWarning(for: $0.stepID) } ?? ""
        case .resume: return "Continues where it stopped; complete steps are not run again."
        case .editAnswers: return "Back to the questions; steps already done stay done."
        case .showChecks: return "Review checks again and shows what stops the run first, with its fix."
        case .quit: return "Leaves the wizard; nothing is undone."
        default: return ""
        }
    }
}
