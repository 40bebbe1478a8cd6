import Cells
import SetupPlan
import WizardModel

extension WizardView {
    /// Column of field labels and of values on a page.
    static let labelColumn = 4
    static let valueColumn = 26

    /// One screen row of a page: a field, one more option of a vertical radio list, or a line of an error or warning.
    private enum PageLine {
        case field(Int)
        case option(field: Int, option: Int)
        case error(field: Int, text: String)
        case warning(field: Int, text: String)
        case note(field: Int, text: String)

        /// The index of the field the line belongs to.
        var field: Int {
            switch self {
            case .field(let i), .option(let i, _), .error(let i, _), .warning(let i, _), .note(let i, _): return i
            }
        }
    }

    static func drawPage(_ canvas: inout Canvas, _ state: WizardState, index: Int) {
        guard WizardPage.all.indices.contains(index) else { return }
        let page = WizardPage.all[index]
        let g = canvas.glyphs
        let purpose = state.checksAfterPages ? "Setup to check · " : ""
        canvas.titleBar("\(purpose)Page \(index + 1) of \(WizardPage.all.count) · \(page.title)")
        drawProgress(&canvas, current: index)
        canvas.text(page.title, x: 2, y: 4, style: Style(.accent, bold: true))

        let fields = page.fields(for: state.answers)
        let focus = min(state.focus, max(0, fields.count - 1))
        let lines = pageLines(canvas, state, fields)
        let top = 6
        let bottom = canvas.height - 5  // rule, two help rows and the footer below
        let rows = max(1, bottom - top + 1)
        let first = lines.firstIndex { line in if case .field(focus) = line { return true } else { return false } } ?? 0
        let last = lines.lastIndex { $0.field == focus } ?? first
        var start = 0
        if last >= start + rows { start = last - rows + 1 }
        if first < start { start = first }
        for (row, line) in lines.dropFirst(start).prefix(rows).enumerated() {
            drawLine(&canvas, state, fields, line, y: top + row, focused: line.field == focus)
        }
        if start > 0 { canvas.text(g.text("…"), x: 2, y: top, style: Style(.muted)) }
        if lines.count > start + rows { canvas.text(g.text("…"), x: 2, y: bottom, style: Style(.muted)) }

        canvas.rule(y: canvas.height - 4)
        if let message = state.message {
            canvas.wrapped(g.text(message), x: 2, y: canvas.height - 3, limit: canvas.width - 4, maxRows: 2, style: Style(.accent))
        } else if fields.indices.contains(focus) {
            canvas.wrapped(g.text(fields[focus].help), x: 2, y: canvas.height - 3, limit: canvas.width - 4, maxRows: 2)
        }
        canvas.footer(KeyBindings.bindings(state.keyContext))
    }

    /// `Project › Cluster › …› Review`, the current page bracketed, done pages ticked.
    private static func drawProgress(_ canvas: inout Canvas, current: Int) {
        let g = canvas.glyphs
        let names = WizardPage.all.map(\.shortTitle) + ["Review"]
        let separator = g.text(" › ")
        // Ticks only where the whole line fits with them; done pages keep their colour either way.
        let tickWidth = g.asciiOnly ? 0 : DisplayWidth.of(g.done) + 1
        let fullWidth = 2 + names.reduce(0) { $0 + DisplayWidth.of($1) } + 2 + DisplayWidth.of(separator) * (names.count - 1)
            + tickWidth * current
        let ticked = tickWidth > 0 && fullWidth <= canvas.width
        var x = 2
        for (i, name) in names.enumerated() {
            if i > 0 { x = canvas.text(separator, x: x, y: 2, style: Style(.muted)) }
            if i < current {
                let label = ticked ? "\(g.done) \(name)" : name
                x = canvas.text(label, x: x, y: 2, style: Style(.success))
            } else if i == current {
                x = canvas.text("[\(name)]", x: x, y: 2, style: Style(.accent, bold: true))
            } else {
                x = canvas.text(name, x: x, y: 2, style: Style(.muted))
            }
        }
    }

    private static func pageLines(_ canvas: Canvas, _ state: WizardState, _ fields: [AnswerField]) -> [PageLine] {
        var lines: [PageLine] = []
        for (i, field) in fields.enumerated() {
            lines.append(.field(i))
            let options = optionValues(field)
            if !options.isEmpty, !optionsFitInline(canvas, field, options) {
                for option in 1..<options.count { lines.append(.option(field: i, option: option)) }
            }
            let width = max(10, canvas.width - valueColumn - 2)
            if let error = state.errors[field.path] {
                for text in TextWrap.wrap(canvas.glyphs.failed + " " + error, width: width, continuation: "  ") {
                    lines.append(.error(field: i, text: text))
                }
            } else if let warning = state.warning(for: field.path) {
                for text in TextWrap.wrap("! " + warning, width: width, continuation: "  ") {
                    lines.append(.warning(field: i, text: text))
                }
            } else if let note = field.note {
                for text in TextWrap.wrap(note, width: width, continuation: "  ") {
                    lines.append(.note(field: i, text: text))
                }
            }
        }
        return lines
    }

    private static func drawLine(_ canvas: inout Canvas, _ state: WizardState, _ fields: [AnswerField], _ line: PageLine, y: Int, focused: Bool) {
        let g = canvas.glyphs
        switch line {
        case .field(let i):
            let field = fields[i]
            if focused { canvas.text(g.focus, x: 2, y: y, style: Style(.accent, bold: true)) }
            let hasError = state.errors[field.path] != nil
            let labelStyle = hasError ? Style(.error, bold: focused) : Style(focused ? .accent : .normal, bold: focused)
            canvas.clipped(field.label, x: labelColumn, y: y, limit: valueColumn - labelColumn - 1, style: labelStyle)
            let options = optionValues(field)
            if options.isEmpty {
                drawTextField(&canvas, state, field, y: y, focused: focused)
            } else if optionsFitInline(canvas, field, options) {
                var x = valueColumn
                for option in options.indices {
                    x = drawOption(&canvas, state, field, options, option, x: x, y: y, focused: focused) + 2
                }
            } else {
                drawOption(&canvas, state, field, options, 0, x: valueColumn, y: y, focused: focused)
            }
        case .option(let i, let option):
            let field = fields[i]
            drawOption(&canvas, state, field, optionValues(field), option, x: valueColumn, y: y, focused: focused)
        case .error(_, let text):
            canvas.text(text, x: valueColumn, y: y, style: Style(.error))
        case .warning(_, let text):
            canvas.text(text, x: valueColumn, y: y, style: Style(.warning))
        case .note(_, let text):
            canvas.text(text, x: valueColumn, y: y, style: Style(.muted))
        }
    }

    private static func drawTextField(_ canvas: inout Canvas, _ state: WizardState, _ field: AnswerField, y: Int, focused: Bool) {
        let editor = state.editors[field.path] ?? LineEditor(field.get(state.answers) ?? "")
        let width = max(1, min(48, canvas.width - valueColumn - 2))
        let fieldStyle = Style(focused ? .selection : .normal, underline: true)
        canvas.frame.fill(column: valueColumn, row: y, width: width, height: 1, with: Cell(" ", style: fieldStyle))
        if editor.text.isEmpty, let placeholder = field.placeholder(in: state.answers) {
            canvas.clipped("default: \(placeholder)", x: valueColumn, y: y, limit: width, style: Style(.muted, underline: true))
        }
        // Long values scroll inside the box so the cursor stays visible.
        let characters = Array(editor.text)
        var start = max(0, editor.cursor - width + 1)
        if !focused { start = 0 }
        let visible = String(characters[min(start, characters.count)...])
        let end = canvas.text(visible, x: valueColumn, y: y, style: fieldStyle, limit: width)
        if focused {
            let cursorX = valueColumn + DisplayWidth.of(String(characters[min(start, characters.count)..<min(editor.cursor, characters.count)]))
            canvas.frame.cursor = (min(cursorX, valueColumn + width - 1), y)
        } else if start == 0, characters.count > 0, end >= valueColumn + width, DisplayWidth.of(editor.text) > width {
            canvas.text(canvas.glyphs.ellipsis, x: valueColumn + width - DisplayWidth.of(canvas.glyphs.ellipsis), y: y, style: fieldStyle)
        }
    }

    @discardableResult
    private static func drawOption(_ canvas: inout Canvas, _ state: WizardState, _ field: AnswerField, _ options: [String], _ index: Int,
                                   x: Int, y: Int, focused: Bool) -> Int {
        guard options.indices.contains(index) else { return x }
        let selected = field.get(state.answers) == options[index]
        let g = canvas.glyphs
        let style = selected ? Style(focused ? .selection : .normal, bold: true, reverse: focused) : Style(.muted)
        let end = canvas.text(selected ? g.radioOn : g.radioOff, x: x, y: y, style: selected ? Style(.accent, bold: true) : Style(.muted))
        return canvas.text(" " + field.optionLabel(options[index]), x: end, y: y, style: style)
    }

    private static func optionValues(_ field: AnswerField) -> [String] {
        switch field.kind {
        case .choice(let values): return values
        case .boolean: return ["true", "false"]
        case .text, .integer: return []
        }
    }

    private static func optionsFitInline(_ canvas: Canvas, _ field: AnswerField, _ options: [String]) -> Bool {
        let radio = DisplayWidth.of(canvas.glyphs.radioOn) + 1
        let total = options.reduce(0) { $0 + radio + DisplayWidth.of(field.optionLabel($1)) } + 2 * (options.count - 1)
        return valueColumn + total <= canvas.width - 2
    }
}
