internal import CNcurses
import Cells
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Terminal {
    /// Draws `frame`, touching only cells that changed since the last one (everything after a
    /// resize or a size change), places or hides the cursor, and refreshes once.
    public func present(_ frame: Frame) {
        guard let window else { return }
        let screen = size()
        let full = needsFullRedraw || previous?.size != frame.size
        if full {
            werase(window)
            // After a resize the emulator may have reflowed the old screen: repaint from scratch.
            if needsFullRedraw { clearok(window, true) }
        }
        let rows = min(frame.size.rows, screen.rows)
        let columns = min(frame.size.columns, screen.columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = frame[column, row]
                if cell == .continuation { continue }
                if full {
                    if cell == .blank { continue }
                } else if let previous, previous[column, row] == cell {
                    continue
                }
                draw(cell, column: column, row: row, columns: columns, in: window)
            }
        }
        placeCursor(frame.cursor, rows: rows, columns: columns, in: window)
        wrefresh(window)
        previous = frame
        needsFullRedraw = false
    }

    private func draw(_ cell: Cell, column: Int, row: Int, columns: Int, in window: UnsafeMutablePointer<WINDOW>) {
        let width = DisplayWidth.of(cell.character)
        let (attributes, pair) = palette.attributes(for: cell.style)
        var scalars = cell.character.unicodeScalars.prefix(Int(CCHARW_MAX)).map { wchar_t(bitPattern: $0.value) }
        let first = scalars.first ?? 32
        let printable = first >= 32 && first != 127 && (isUTF8 || first < 127)
        // The frame was laid out with DisplayWidth; if the terminal disagrees or cannot show the
        // character, drawing it would shift the rest of the row, so draw a placeholder of the same width.
        var padding = false
        if width == 0 {
            scalars = [32]
        } else if column + width > columns {
            scalars = [32]
        } else if !printable || Int(cn_wcwidth(first)) != width {
            scalars = [63]  // "?"
            padding = width == 2
        }
        put(scalars, attributes: attributes, pair: pair, column: column, row: row, in: window)
        if padding {
            put([32], attributes: attributes, pair: pair, column: column + 1, row: row, in: window)
        }
    }

    private func put(_ scalars: [wchar_t], attributes: attr_t, pair: Int16, column: Int, row: Int, in window: UnsafeMutablePointer<WINDOW>) {
        var character = cchar_t()
        setcchar(&character, scalars + [0], attributes, pair, nil)
        mvwadd_wch(window, Int32(row), Int32(column), &character)
    }

    private func placeCursor(_ cursor: (column: Int, row: Int)?, rows: Int, columns: Int, in window: UnsafeMutablePointer<WINDOW>) {
        var visible = false
        if let cursor, cursor.row >= 0, cursor.row < rows, cursor.column >= 0, cursor.column < columns {
            wmove(window, Int32(cursor.row), Int32(cursor.column))
            visible = true
        }
        if visible != cursorVisible {
            curs_set(visible ? 1 : 0)
            cursorVisible = visible
        }
        leaveok(window, !visible)
    }
}
