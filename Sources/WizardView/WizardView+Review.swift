import Cells
import SetupPlan
import WizardModel

extension WizardView {
    static func drawReview(_ canvas: inout Canvas, _ state: WizardState) {
        guard let review = state.review else { return }
        let g = canvas.glyphs
        let progress = state.hasEarlierRun ? "finished ones are checked, not redone" : "nothing run yet"
        canvas.titleBar(g.text("Review · \(review.plan.steps.count) steps, \(progress)"))
        let summary = review.summary(fitting: canvas.frame.size)
        for (i, row) in summary.enumerated() {
            // The label column, padded in its style, then the value from column 12.
            canvas.text(row.label + String(repeating: " ", count: max(0, 10 - row.label.count)), x: 2, y: 2 + i, style: Style(.muted))
            let end = canvas.clipped(row.value, x: 12, y: 2 + i, limit: Layout.reviewSummaryWidth(canvas.frame.size))
            if row.label == ReviewSummary.operatorLabel, let tool = state.missingTool(for: "operator") {
                canvas.clipped("  ! \(tool) not found on this machine", x: end, y: 2 + i, limit: canvas.width - 2 - end, style: Style(.warning))
            }
        }

        let paneTop = Layout.reviewPaneTop(summaryRows: summary.count)
        let tabsRow = paneTop - 2
        var x = 2
        for tab in PreviewTab.allCases {
            let selected = tab == review.tab
            // The verdict is on the line under the title: the tab stays short, so the position still fits at 80 columns.
            let label = selected ? "[\(tab.rawValue + 1) \(tab.title)]" : " \(tab.rawValue + 1) \(tab.title) "
            x = canvas.text(label, x: x, y: tabsRow, style: selected ? Style(.accent, bold: true, reverse: true) : Style(.muted)) + 1
        }
        let geometry = review.paneGeometry(canvas.frame.size)
        if review.tab == .checks {
            canvas.rule(y: tabsRow + 1)
            drawChecklist(&canvas, review.preflight, top: paneTop, geometry: geometry)
        } else {
            let pane = review.pane
            let shownEnd = min(pane.lines.count, pane.offset + geometry.rows)
            let range = "\(pane.offset + 1)-\(shownEnd) of \(pane.lines.count)"
            // Without the word when three-digit line numbers leave no room beside the four tabs at 80 columns.
            var position = pane.lines.isEmpty ? "empty" : "lines " + range
            if x + DisplayWidth.of(position) + 2 > canvas.width, !pane.lines.isEmpty { position = range }
            if x + DisplayWidth.of(position) + 2 <= canvas.width {
                canvas.text(position, x: canvas.width - DisplayWidth.of(position) - 2, y: tabsRow, style: Style(.muted))
            }
            canvas.rule(y: tabsRow + 1)

            for (row, line) in pane.lines.dropFirst(pane.offset).prefix(geometry.rows).enumerated() {
                canvas.text(line, x: 2, y: paneTop + row, style: lineStyle(line, tab: review.tab), limit: geometry.columns)
            }
        }

        let ruleRow = canvas.height - Layout.paneBottomRows
        canvas.rule(y: ruleRow)
        let actions = WizardState.reviewActions
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: ruleRow + 1)
        let noteRows = 2
        if let message = state.message {
            canvas.wrapped(g.text(message), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: noteRows, style: Style(.warning))
        } else {
            let note = actions.indices.contains(state.actionFocus) ? reviewNote(actions[state.actionFocus], state) : ""
            canvas.wrapped(g.text(note), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: noteRows, style: Style(.muted))
        }
        if let preflight = review.preflight {
            let style: Style = preflight.isChecking ? Style(.muted) : preflight.stops ? Style(.error, bold: true)
                : preflight.checks.contains { $0.status == .warning } ? Style(.warning) : Style(.success)
            let line = preflightLine(preflight.verdict, g)
            // Under the title bar: the verdict is seen before the plan is read.
            canvas.clipped(g.text(line), x: 2, y: 1, limit: canvas.width - 4, style: style)
        }
        canvas.footer(KeyBindings.bindings(.review))
    }

    /// The line under the title: where preflight stands, with the checklist's marks.
    static func preflightLine(_ verdict: PreflightProgress.Verdict, _ g: Glyphs) -> String {
        switch verdict {
        case .checking(let done):
            return "Preflight: checking billing, roles, names, offer and quotas (\(done) done)"
        case .notRun(let reason):
            return "Preflight: not run (\(reason))."
        case .stops(let first, let more):
            return "\(g.failed) \(first)" + (more > 0 ? " (+\(more))" : "") + ": Run is refused · 4 shows the fix · e edits"
        case .passed(let holding, let warnings, let checkedAgain):
            return "Preflight passed: \(holding) \(g.done)" + (warnings > 0 ? ", \(warnings) \(g.warning) (4 shows them)" : "")
                + (checkedAgain ? "; rechecked once the APIs are on" : "")
        }
    }

    /// Preflight's checklist in the review's pane: each check's mark, title, evidence and fix, as doctor's screen.
    private static func drawChecklist(_ canvas: inout Canvas, _ preflight: PreflightProgress?, top: Int, geometry: (rows: Int, columns: Int)) {
        let g = canvas.glyphs
        guard let preflight else { return }
        if case .notRun(let reason) = preflight.phase {
            canvas.clipped("Preflight is not run: \(reason).", x: 2, y: top, limit: geometry.columns, style: Style(.muted))
            return
        }
        drawCheckRows(&canvas, preflight.list, top: top, geometry: geometry)
        if preflight.list.rows.isEmpty {
            canvas.clipped(g.text("Reading with gcloud…"), x: 2, y: top, limit: geometry.columns, style: Style(.muted))
        }
    }

    private static func reviewNote(_ action: ScreenAction, _ state: WizardState) -> String {
        switch action {
        case .run: return "Runs the steps now; a step whose result already exists is skipped."
        case .save: return "Writes \(state.review?.plan.workspaceFilesSentence(compact: true) ?? "the files") to \(state.workspace)/, runs nothing."
        case .edit: return "Back to the questions; your answers are kept."
        default: return ""
        }
    }

    /// Step titles and commands stand out in the Commands tab; comments are muted in the files.
    static func lineStyle(_ line: String, tab: PreviewTab) -> Style {
        switch tab {
        case .commands:
            if line.first?.isNumber == true || line.first == " " && line.dropFirst().first?.isNumber == true { return Style(bold: true) }
            if line.unindented.hasPrefix("$ ") { return Style(.accent) }
            if ["why:", "after:", "skipped when:"].contains(where: line.unindented.hasPrefix) { return Style(.muted) }
            return .plain
        case .manifest, .script:
            return line.unindented.hasPrefix("#") ? Style(.muted) : .plain
        case .checks:
            return .plain
        }
    }
}

private extension String {
    var unindented: Substring { drop { $0 == " " } }
}
