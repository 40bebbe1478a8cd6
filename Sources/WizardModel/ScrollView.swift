/// Lines wrapped to a pane's width and the first one shown: the review tabs and the log use it.
public struct ScrollView: Equatable, Sendable {
    /// The unwrapped text, one element per line.
    public private(set) var source: [String]
    /// `source` wrapped at `width`.
    public private(set) var lines: [String]
    public private(set) var width: Int
    /// Index into `lines` of the top row.
    public private(set) var offset: Int

    /// A view of `source` wrapped at `width`, scrolled to the top.
    public init(_ source: [String], width: Int) {
        self.source = source
        self.width = max(1, width)
        self.lines = TextWrap.wrap(source, width: self.width)
        self.offset = 0
    }

    /// Re-wraps for a new width, keeping roughly the same text at the top.
    public mutating func rewrap(width: Int) {
        let width = max(1, width)
        guard width != self.width else { return }
        let fraction = lines.isEmpty ? 0 : Double(offset) / Double(lines.count)
        self.width = width
        lines = TextWrap.wrap(source, width: width)
        offset = Int(fraction * Double(lines.count))
    }

    /// Moves by `delta` rows, staying within the text for a pane of `rows` rows.
    public mutating func scroll(by delta: Int, rows: Int) {
        offset = clamp(offset + delta, rows: rows)
    }

    /// Jumps to the top.
    public mutating func scrollToTop() { offset = 0 }

    /// Jumps so the last line is on the pane's last row.
    public mutating func scrollToBottom(rows: Int) { offset = maxOffset(rows: rows) }

    /// Keeps the offset valid after the pane changed height.
    public mutating func clampOffset(rows: Int) { offset = clamp(offset, rows: rows) }

    private func maxOffset(rows: Int) -> Int { max(0, lines.count - max(1, rows)) }
    private func clamp(_ value: Int, rows: Int) -> Int { min(max(0, value), maxOffset(rows: rows)) }
}
