import Cells
import SetupPlan
import WizardModel

extension WizardView {
    /// The destroy preview: the deletions in the plan's format and what is kept, with the buttons below.
    static func drawDestroy(_ canvas: inout Canvas, _ state: WizardState) {
        guard let destroy = state.destroy else { return }
        let g = canvas.glyphs
        let deletions = destroy.plan.plan.steps.filter { $0.kind == .delete }.count
        canvas.titleBar(g.text("Destroy · \(deletions) deletion\(deletions == 1 ? "" : "s"), nothing run yet"))
        let bucket = "gs://\(destroy.plan.plan.answers.bucket.name)"
        let bucketLine: String
        if destroy.plan.deletesBucket {
            bucketLine = "\(bucket) and every object in it will be deleted."
        } else if destroy.canDeleteBucket {
            bucketLine = "\(bucket) is kept: it holds your data (b deletes it too)."
        } else {
            bucketLine = "\(bucket) is kept: this workspace's run did not create it."
        }
        canvas.clipped("Removes what this run created; what it found or only changed stays.", x: 2, y: 2,
                       limit: canvas.width - 4, style: Style(bold: true))
        canvas.clipped(bucketLine, x: 2, y: 3, limit: canvas.width - 4,
                       style: destroy.plan.deletesBucket ? Style(.warning, bold: true) : Style(.muted))

        let kept = destroy.plan.kept.count
        canvas.clipped("A deletion is skipped when already gone; \(kept) kept, listed at the end.", x: 2, y: 5,
                       limit: canvas.width - 4, style: Style(.muted))
        let pane = destroy.pane
        let geometry = Layout.destroyPane(canvas.frame.size)
        let headerRow = Layout.destroyPaneTop - 2
        canvas.text("Deletions and what is kept", x: 2, y: headerRow, style: Style(.accent, bold: true))
        let shownEnd = min(pane.lines.count, pane.offset + geometry.rows)
        let position = pane.lines.isEmpty ? "empty" : "lines \(pane.offset + 1)-\(shownEnd) of \(pane.lines.count)"
        canvas.text(position, x: canvas.width - DisplayWidth.of(position) - 2, y: headerRow, style: Style(.muted))
        canvas.rule(y: headerRow + 1)
        for (row, line) in pane.lines.dropFirst(pane.offset).prefix(geometry.rows).enumerated() {
            canvas.text(line, x: 2, y: Layout.destroyPaneTop + row, style: lineStyle(line, tab: .commands), limit: geometry.columns)
        }

        let ruleRow = canvas.height - Layout.paneBottomRows
        canvas.rule(y: ruleRow)
        let actions = state.destroyActions
        canvas.buttons(actions.map(\.rawValue), focus: state.actionFocus, x: 2, y: ruleRow + 1)
        if let message = state.message {
            canvas.wrapped(g.text(message), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: 2, style: Style(.warning))
        } else {
            let focused = actions.indices.contains(state.actionFocus) ? actions[state.actionFocus] : .back
            let note: String
            switch focused {
            case .destroy: note = destroy.deletes ? "Asks first, then deletes the above in order; resumable like a run." : "Nothing to delete."
            case .toggleBucket: note = destroy.plan.deletesBucket ? "Keeps the bucket and its objects." : "Deletes the bucket and its objects too."
            default: note = "Back without deleting anything."
            }
            canvas.wrapped(g.text(note), x: 2, y: ruleRow + 2, limit: canvas.width - 4, maxRows: 2, style: Style(.muted))
        }
        canvas.footer(KeyBindings.bindings(.destroy))
    }

    /// The confirmation: y/n, or the bucket's name typed out when the bucket is deleted.
    static func drawConfirmDestroy(_ canvas: inout Canvas, _ state: WizardState) {
        guard let destroy = state.destroy else { return }
        let g = canvas.glyphs
        let answers = destroy.plan.plan.answers
        let deletions = destroy.plan.plan.steps.filter { $0.kind == .delete }.count
        var lines: [(String, Style)] = [("This deletes \(deletions) thing\(deletions == 1 ? "" : "s") the run created, in \(answers.project).", .plain)]
        if destroy.plan.deletesBucket {
            let holds = destroy.usage.map { "it holds \($0)" } ?? "reading what it holds…"
            lines.append(("gs://\(answers.bucket.name): \(holds); this cannot be undone.", Style(.warning, bold: true)))
            lines.append(("Type the bucket name to delete it and everything above:", .plain))
        }
        let width = min(canvas.width - 4, 72)
        let inner = width - 4
        let wrapped = lines.flatMap { line in TextWrap.wrap(line.0, width: inner, continuation: "").map { ($0, line.1) } }
        let height = min(canvas.height - 2, wrapped.count + (destroy.plan.deletesBucket ? 6 : 5))
        let x = (canvas.width - width) / 2
        let y = max(1, (canvas.height - height) / 2)
        canvas.box(x: x, y: y, width: width, height: height, title: "Destroy")
        canvas.text("Delete what this workspace's run created?", x: x + 2, y: y + 1, style: Style(bold: true))
        for (i, line) in wrapped.enumerated() {
            canvas.text(line.0, x: x + 2, y: y + 2 + i, style: line.1, limit: inner)
        }
        if destroy.plan.deletesBucket {
            let field = "> " + destroy.typed.text
            canvas.text(field, x: x + 2, y: y + height - 3, style: Style(.accent), limit: inner)
            canvas.text(g.text("Enter delete · Esc cancel"), x: x + 2, y: y + height - 2, style: Style(.accent, bold: true))
        } else {
            canvas.text(g.text("y delete · n or Esc cancel"), x: x + 2, y: y + height - 2, style: Style(.accent, bold: true))
        }
    }
}
