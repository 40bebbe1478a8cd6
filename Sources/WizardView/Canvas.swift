import Cells
import WizardModel

/// A frame being drawn, with the few drawing moves every screen shares; everything clips, nothing traps.
struct Canvas {
    var frame: Frame
    let glyphs: Glyphs

    init(size: Size, glyphs: Glyphs) {
        self.frame = Frame(size: size)
        self.glyphs = glyphs
    }

    var width: Int { frame.size.columns }
    var height: Int { frame.size.rows }

    /// Writes `text` at (x, y), clipped at `limit` columns; returns the column after it.
    @discardableResult
    mutating func text(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        let available = max(0, limit ?? (width - x))
        return frame.put(text, column: x, row: y, style: style, limit: available)
    }

    /// Writes `text` in at most `limit` columns, ending with an ellipsis when it is cut.
    @discardableResult
    mutating func clipped(_ text: String, x: Int, y: Int, limit: Int, style: Style = .plain) -> Int {
        guard limit > 0 else { return x }
        if DisplayWidth.of(text) <= limit { return self.text(text, x: x, y: y, style: style, limit: limit) }
        let mark = glyphs.ellipsis
        let room = limit - DisplayWidth.of(mark)
        guard room > 0 else { return self.text(text, x: x, y: y, style: style, limit: limit) }
        let end = self.text(text, x: x, y: y, style: style, limit: room)
        return self.text(mark, x: end, y: y, style: style, limit: limit - (end - x))
    }

    /// Writes `text` wrapped to `limit` columns from row `y`, at most `maxRows` rows; returns the rows used.
    @discardableResult
    mutating func wrapped(_ text: String, x: Int, y: Int, limit: Int, maxRows: Int, style: Style = .plain, continuation: String = "") -> Int {
        guard limit > 0, maxRows > 0 else { return 0 }
        let all = TextWrap.wrap(text, width: limit, continuation: continuation)
        let rows = all.prefix(maxRows)
        for (i, row) in rows.enumerated() {
            if i == maxRows - 1, all.count > maxRows {
                clipped(row + glyphs.ellipsis, x: x, y: y + i, limit: limit, style: style)
            } else {
                self.text(row, x: x, y: y + i, style: style, limit: limit)
            }
        }
        return rows.count
    }

    /// Writes a shell command from row `y`, broken into rows that still paste as one command (see
    /// `TextWrap.command`), at most `maxRows` rows; returns the rows used.
    @discardableResult
    mutating func command(_ text: String, x: Int, y: Int, limit: Int, maxRows: Int = .max, style: Style = Style(.accent)) -> Int {
        guard limit > 0, maxRows > 0 else { return 0 }
        let rows = TextWrap.command(text, width: limit)
        for (i, row) in rows.prefix(maxRows).enumerated() {
            if i == maxRows - 1, rows.count > maxRows {
                clipped(row + glyphs.ellipsis, x: x, y: y + i, limit: limit, style: style)
            } else {
                clipped(row, x: x, y: y + i, limit: limit, style: style)
            }
        }
        return min(rows.count, maxRows)
    }

    /// A horizontal line across the screen.
    mutating func rule(y: Int, from x: Int = 0, to end: Int? = nil, style: Style = Style(.muted)) {
        let end = end ?? width
        guard end > x else { return }
        text(String(repeating: glyphs.rule, count: end - x), x: x, y: y, style: style)
    }

    /// The top row: product name on the left, where the person is on the right, in reverse video.
    mutating func titleBar(_ right: String) {
        frame.fill(column: 0, row: 0, width: width, height: 1, with: Cell(" ", style: Style(.accent, reverse: true)))
        let name = " kuberay-gcs-wizard"
        let end = text(name, x: 0, y: 0, style: Style(.accent, bold: true, reverse: true))
        let right = glyphs.text(right) + " "
        let rightWidth = DisplayWidth.of(right)
        if end + 2 + rightWidth <= width {
            text(right, x: width - rightWidth, y: 0, style: Style(.accent, reverse: true))
        }
    }

    /// The bottom row: the keys of this screen, as many as fit.
    mutating func footer(_ bindings: [KeyBinding]) {
        let y = height - 1
        var x = 1
        for (i, binding) in bindings.filter(\.inFooter).enumerated() {
            let label = glyphs.keyLabel(binding.label)
            let item = DisplayWidth.of(label) + 1 + DisplayWidth.of(binding.description)
            let gap = i == 0 ? 0 : 2
            guard x + gap + item <= width - 1 else { break }
            x += gap
            x = text(label, x: x, y: y, style: Style(.accent, bold: true))
            x = text(" " + binding.description, x: x, y: y, style: Style(.muted))
        }
    }

    /// A row of buttons; the focused one is reversed and marked `< Name >` so it reads without colour.
    mutating func buttons(_ titles: [String], focus: Int, x: Int, y: Int) {
        var x = x
        for (i, title) in titles.enumerated() {
            let focused = i == focus
            let label = focused ? "< \(title) >" : "[ \(title) ]"
            x = text(label, x: x, y: y, style: focused ? Style(.selection, bold: true, reverse: true) : Style(.normal))
            x += 2
        }
    }

    /// A bordered box with a title, cleared inside.
    mutating func box(x: Int, y: Int, width w: Int, height h: Int, title: String) {
        guard w >= 2, h >= 2 else { return }
        let b = glyphs.box
        frame.fill(column: x, row: y, width: w, height: h)
        let style = Style(.accent)
        text(b.topLeft + String(repeating: b.horizontal, count: w - 2) + b.topRight, x: x, y: y, style: style)
        for row in (y + 1)..<(y + h - 1) {
            text(b.vertical, x: x, y: row, style: style)
            text(b.vertical, x: x + w - 1, y: row, style: style)
        }
        text(b.bottomLeft + String(repeating: b.horizontal, count: w - 2) + b.bottomRight, x: x, y: y + h - 1, style: style)
        if !title.isEmpty, w > 6 {
            clipped(" \(title) ", x: x + 2, y: y, limit: w - 4, style: Style(.accent, bold: true))
        }
    }
}
