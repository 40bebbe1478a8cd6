import Cells
import WizardModel

extension WizardView {
    /// The keys of the screen under the overlay, in a box.
    static func drawHelp(_ canvas: inout Canvas, _ state: WizardState) {
        let g = canvas.glyphs
        var below = state
        below.overlay = nil
        let context = below.keyContext
        var rows = KeyBindings.bindings(context).map { (g.keyLabel($0.helpLabel), $0.helpDescription) }
        if context.editsText {
            rows += KeyBindings.lineEditing.map { (g.keyLabel($0.label), $0.description) }
        }
        let labelWidth = rows.map { DisplayWidth.of($0.0) }.max() ?? 0
        let contentWidth = rows.map { labelWidth + 2 + DisplayWidth.of($0.1) }.max() ?? 0
        let width = min(canvas.width - 4, max(30, contentWidth + 4))
        let height = min(canvas.height - 2, rows.count + 4)
        let x = (canvas.width - width) / 2
        let y = max(1, (canvas.height - height) / 2)
        canvas.box(x: x, y: y, width: width, height: height, title: "Keys")
        for (i, row) in rows.prefix(height - 4).enumerated() {
            canvas.text(row.0, x: x + 2, y: y + 1 + i, style: Style(.accent, bold: true))
            canvas.clipped(row.1, x: x + 4 + labelWidth, y: y + 1 + i, limit: width - labelWidth - 6)
        }
        canvas.text("Esc closes", x: x + 2, y: y + height - 2, style: Style(.muted))
        canvas.frame.cursor = nil
    }

    static func drawConfirmQuit(_ canvas: inout Canvas, _ state: WizardState) {
        let g = canvas.glyphs
        let prose: String
        var command: String?
        if state.run != nil || state.journal?.isUnfinished == true {
            // The command names the workspace; the prose does too when it is short enough to read on one row.
            let named = "The journal stays in \(state.workspace); resume later with:"
            prose = DisplayWidth.of(named) <= canvas.width - 10 ? named : "The journal is kept; resume later with:"
            command = state.resumeCommand
        } else if state.journal != nil {
            // A finished earlier run: its files stay; only what was changed now is lost.
            prose = "Nothing has been run this time; answers changed now are not saved."
        } else {
            prose = "Nothing has been run; your answers are not saved."
        }
        // As wide as the text needs, up to the screen; the prose wraps and the command stays pasteable.
        let longest = max(DisplayWidth.of(prose), command.map { DisplayWidth.of($0) } ?? 0)
        let width = min(canvas.width - 4, max(44, longest + 6))
        let inner = width - 4
        let detail = TextWrap.wrap(prose, width: inner, continuation: "").map { ($0, Style(.muted)) }
            + (command.map { TextWrap.command($0, width: inner) } ?? []).map { ($0, Style(.accent)) }
        let height = min(canvas.height - 2, detail.count + 5)
        let x = (canvas.width - width) / 2
        let y = max(1, (canvas.height - height) / 2)
        canvas.box(x: x, y: y, width: width, height: height, title: "Quit")
        canvas.text("Quit the wizard?", x: x + 2, y: y + 1, style: Style(bold: true))
        for (i, line) in detail.prefix(height - 5).enumerated() {
            canvas.text(line.0, x: x + 2, y: y + 2 + i, style: line.1, limit: inner)
        }
        let keys = g.text("y quit · n or Esc stay")
        canvas.text(keys, x: x + 2, y: y + height - 2, style: Style(.accent, bold: true))
        canvas.frame.cursor = nil
    }

    /// A step's whole log, full screen.
    static func drawLog(_ canvas: inout Canvas, _ state: WizardState) {
        guard let log = state.log else { return }
        let g = canvas.glyphs
        canvas.frame.fill(column: 0, row: 0, width: canvas.width, height: canvas.height)
        canvas.frame.cursor = nil
        let pane = Layout.logPane(canvas.frame.size)
        // Where in the log goes in the title bar, so the path (which people copy) has its row to itself.
        if let text = log.text, !text.lines.isEmpty {
            canvas.titleBar("Log · lines \(text.offset + 1)-\(min(text.lines.count, text.offset + pane.rows)) of \(text.lines.count)")
        } else {
            canvas.titleBar("Log")
        }
        canvas.clipped(log.title, x: 2, y: 1, limit: canvas.width - 4, style: Style(bold: true))
        canvas.clipped("\(state.workspace)/\(log.path)", x: 2, y: 2, limit: canvas.width - 4, style: Style(.muted))
        if let error = log.error {
            canvas.wrapped("Could not read the log: \(error)", x: 2, y: 3, limit: canvas.width - 4, maxRows: 3, style: Style(.error))
        } else if let text = log.text {
            if text.lines.isEmpty { canvas.text("(the log is empty)", x: 2, y: 3, style: Style(.muted)) }
            for (i, line) in text.lines.dropFirst(text.offset).prefix(pane.rows).enumerated() {
                canvas.text(line, x: 2, y: 3 + i, limit: pane.columns)
            }
        } else {
            canvas.text(g.text("Loading…"), x: 2, y: 3, style: Style(.muted))
        }
        canvas.footer(KeyBindings.bindings(.log))
    }
}
