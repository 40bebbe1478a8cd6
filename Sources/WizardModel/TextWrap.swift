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
    /// A shell command broken into rows of at most `width` columns that still paste as one command: every row but
    /// the last ends in ` \`, and continuation rows start with `indent`. Breaks fall on spaces between words;
    /// a word wider than a row (a quoted script) breaks at the spaces inside its double quotes, after a `;` when
    /// it can. There the shell drops `\`+newline and only spaces are added, harmless between the tokens of
    /// `python -c "..."`. Nothing inside single quotes is broken; a piece wider than a row is left whole.
    public static func command(_ command: String, width: Int, indent: String = "  ") -> [String] {
        let width = max(1, width)
        if DisplayWidth.of(command) <= width { return [command] }
        let words = shellWords(command)
        let rowWidth = max(1, width - DisplayWidth.of(indent))
        var rows: [String] = []
        var line = ""
        /// Adds `piece` to the row, or starts a new row when it does not fit (the last piece needs no ` \`).
        func add(_ piece: String, last: Bool) {
            let joined = line.isEmpty ? piece : line + " " + piece
            if line.isEmpty || DisplayWidth.of(joined) <= (rows.isEmpty ? width : rowWidth) - (last ? 0 : 2) {
                line = joined
            } else {
                rows.append((rows.isEmpty ? "" : indent) + line + " \\")
                line = piece
            }
        }
        for (w, word) in words.enumerated() {
            let lastWord = w == words.count - 1
            guard DisplayWidth.of(word.text) > rowWidth - (lastWord ? 0 : 2) else {
                add(word.text, last: lastWord)
                continue
            }
            // Too wide for a row: break inside its double quotes, after each `;`, and anywhere in a piece still too wide.
            var pieces: [String] = []
            var statement = word.text.startIndex
            var inner: [String.Index] = []
            for space in word.breaks + [(word.text.endIndex, true)] {
                guard space.afterSemicolon else {
                    inner.append(space.index)
                    continue
                }
                let text = word.text[statement..<space.index]
                pieces += DisplayWidth.of(String(text)) <= rowWidth - 2 ? [String(text)] : split(text, at: inner)
                inner = []
                if space.index < word.text.endIndex { statement = word.text.index(after: space.index) }
            }
            for (p, piece) in pieces.enumerated() { add(piece, last: lastWord && p == pieces.count - 1) }
        }
        rows.append((rows.isEmpty ? "" : indent) + line)
        return rows
    }

    /// `text` split at the spaces at `spaces` (indices into it), which are dropped.
    private static func split(_ text: Substring, at spaces: [String.Index]) -> [String] {
        var parts: [String] = []
        var start = text.startIndex
        for space in spaces {
            parts.append(String(text[start..<space]))
            start = text.index(after: space)
        }
        parts.append(String(text[start...]))
        return parts
    }

    /// The words of a shell command split at unquoted spaces, each with the spaces inside its double quotes.
    private static func shellWords(_ command: String) -> [(text: String, breaks: [(index: String.Index, afterSemicolon: Bool)])] {
        var words: [(text: String, breaks: [(index: String.Index, afterSemicolon: Bool)])] = []
        var text = ""
        var breaks: [(index: String.Index, afterSemicolon: Bool)] = []
        var single = false, double = false, escaped = false
        for ch in command {
            if escaped {
                escaped = false
            } else if ch == "\\", !single {
                escaped = true
            } else if ch == "'", !double {
                single.toggle()
            } else if ch == "\"", !single {
                double.toggle()
            } else if ch == " ", !single, !double {
                if !text.isEmpty { words.append((text, breaks)) }
                text = ""
                breaks = []
                continue
            } else if ch == " ", double {
                breaks.append((text.endIndex, text.last == ";"))
            }
            text.append(ch)
        }
        if !text.isEmpty { words.append((text, breaks)) }
        return words
    }
}
