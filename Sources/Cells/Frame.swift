/// A full screen of styled cells: what the renderer produces and the terminal presents.
public struct Frame: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor goes (a focused text field), or nil to hide it.
    public var cursor: (column: Int, row: Int)? {
        get { cursorColumn.map { ($0, cursorRow) } }
        set { cursorColumn = newValue?.column; cursorRow = newValue?.row ?? 0 }
    }
    private var cursorColumn: Int?
    private var cursorRow = 0

    public init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: size.columns * size.rows)
    }

    public subscript(column: Int, row: Int) -> Cell {
        get {
            guard contains(column: column, row: row) else { return .blank }
            return cells[row * size.columns + column]
        }
        set {
            guard contains(column: column, row: row) else { return }
            cells[row * size.columns + column] = newValue
        }
    }

    public func contains(column: Int, row: Int) -> Bool {
        column >= 0 && row >= 0 && column < size.columns && row < size.rows
    }

    /// Writes `text` from (column, row), clipped at `limit` columns (default: the right edge).
    /// Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, column: Int, row: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        let end = min(size.columns, column + (limit ?? size.columns))
        var x = column
        guard row >= 0, row < size.rows else { return x }
        for character in text {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if x + width > end { break }
            if x >= 0 {
                self[x, row] = Cell(character, style: style)
                if width == 2 { self[x + 1, row] = Cell.continuation }
            }
            x += width
        }
        return x
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(column: Int, row: Int, width: Int, height: Int, with cell: Cell = .blank) {
        for y in max(0, row)..<min(size.rows, row + height) {
            for x in max(0, column)..<min(size.columns, column + width) {
                self[x, y] = cell
            }
        }
    }

    /// The frame as plain text, one line per row with trailing spaces removed (golden files, tests).
    public var plainText: String {
        var lines: [String] = []
        lines.reserveCapacity(size.rows)
        for y in 0..<size.rows {
            var line = ""
            for x in 0..<size.columns {
                let cell = self[x, y]
                if cell == .continuation { continue }
                line.append(cell.character)
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.size == rhs.size && lhs.cells == rhs.cells && lhs.cursorColumn == rhs.cursorColumn && lhs.cursorRow == rhs.cursorRow
    }
}
