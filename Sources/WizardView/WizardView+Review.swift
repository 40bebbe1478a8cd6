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
            let label = selected ? "[\(tab.rawValue + 1) \(tab.title)]" : " \(tab.rawValue + 1) \(tab.title) "
            x = canvas.text(label, x: x, y: tabsRow, style: selected ? Style(.accent, bold: true, reverse: true) : Style(.muted)) + 1
        }
        let pane = review.pane
        let geometry = review.paneGeometry(canvas.frame.size)
        let shownEnd = min(pane.lines.count, pane.offset + geometry.rows)
        let position = pane.lines.isEmpty ? "empty" : "lines \(pane.offset + 1)-\(shownEnd) of \(pane.lines.count)"
        if x + DisplayWidth.of(position) + 2 <= canvas.width {
            canvas.text(position, x: canvas.width - DisplayWidth.of(position) - 2, y: tabsRow, style: Style(.muted))
        }
        canvas.rule(y: tabsRow + 1)

        for (row, line) in pane.lines.dropFirst(pane.offset).prefix(geometry.rows).enumerated() {
            canvas.text(line, x: 2, y: paneTop + row, style: lineStyle(line, tab: review.tab), limit: geometry.columns)
        }

        let ruleRow = canvas.height - Layout.reviewPaneBottomRows
        canvas.rule(y: ruleRow)
        let actions = WizardState.reviewActions
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: ruleRow + 1)
        if let message = state.message {
            canvas.wrapped(g.text(message), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: 2, style: Style(.warning))
        } else {
            let note = actions.indices.contains(state.actionFocus) ? reviewNote(actions[state.actionFocus], state) : ""
            canvas.wrapped(g.text(note), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: 2, style: Style(.muted))
        }
        canvas.footer(KeyBindings.bindings(.review))
    }

    private static func reviewNote(_ action: ScreenAction, _ state: WizardState) -> String {
        switch action {
        case .run: return "Runs the steps now; a step whose result already exists is skipped."
        case .save: return "Writes \(WorkspaceFiles.exported) to \(state.workspace)/, runs nothing."
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
            if line.unindented.hasPrefix("why:") || line.unindented.hasPrefix("skipped when:") { return Style(.muted) }
            return .plain
        case .manifest, .script:
            return line.unindented.hasPrefix("#") ? Style(.muted) : .plain
        }
    }
}

private extension String {
    var unindented: Substring { drop { $0 == " " } }
}
