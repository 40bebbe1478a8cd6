import Cells

/// Breaks long lines to a width so the preview and log panes never hide text off the right edge.
public enum TextWrap {
    /// `lines` wrapped at `width` columns; continuation rows keep the line's indentation plus `continuation`.
    public static func wrap(_ lines: [String], width: Int, continuation: String = "  ") -> [String] {
        let width = max(1, width)
        var out: [String] = []
        out.reserveCapacity(lines.count)
        for line in lines {
            out += wrap(line, width: width, continuation: continuation)
        }
        return out
    }

    /// One line wrapped at `width` columns, breaking at the last space that fits when there is one.
    public static func wrap(_ line: String, width: Int, continuation: String = "  ") -> [String] {
        let width = max(1, width)
        if line.count <= width, DisplayWidth.of(line) <= width { return [line] }
        // Continuation rows keep the line's own indentation plus `continuation`, when that leaves room to write.
        let indent = String(line.prefix { $0 == " " }) + continuation
        let prefix = DisplayWidth.of(indent) <= width / 2 ? indent : (DisplayWidth.of(continuation) < width ? continuation : "")
        var rows: [String] = []
        var rest = Substring(line)
        var limit = width
        while !rest.isEmpty {
            var used = 0
            var end = rest.startIndex
            var lastSpace: String.Index?
            while end < rest.endIndex {
                let w = DisplayWidth.of(rest[end])
                if used + w > limit { break }
                if rest[end] == " " { lastSpace = end }
                used += w
                end = rest.index(after: end)
            }
            if end == rest.startIndex { end = rest.index(after: end) }  // a glyph wider than the row: take it anyway
            if end < rest.endIndex, let space = lastSpace, space > rest.startIndex {
                end = rest.index(after: space)
            }
            let row = rows.isEmpty ? String(rest[..<end]) : prefix + rest[..<end]
            rows.append(row)
            rest = rest[end...]
            limit = width - DisplayWidth.of(prefix)
        }
        return rows
    }
}
