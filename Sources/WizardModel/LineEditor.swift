import Foundation
import Cells

/// A one-line text buffer with a cursor, edited like a shell's line editor.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: String
    /// Cursor position in characters, 0...text.count.
    public private(set) var cursor: Int

    /// A buffer holding `text` with the cursor at its end.
    public init(_ text: String = "", cursor: Int? = nil) {
        self.text = text
        self.cursor = min(max(0, cursor ?? text.count), text.count)
    }

    /// Applies an editing key; returns false when the key is not an editing key (the caller handles it).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(String(c))
        case .paste(let s): insert(Self.singleLine(s))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            remove(at: cursor)
        case .ctrl("u"):
            // As in readline: kill from the start of the line to the cursor.
            text = String(text.dropFirst(cursor))
            cursor = 0
        case .ctrl("k"):
            text = String(text.prefix(cursor))
        default:
            return false
        }
        return true
    }

    private mutating func insert(_ s: String) {
        let index = text.index(text.startIndex, offsetBy: cursor)
        text.insert(contentsOf: s, at: index)
        cursor += s.count
    }

    private mutating func remove(at offset: Int) {
        text.remove(at: text.index(text.startIndex, offsetBy: offset))
    }

    /// Pasted text goes into one field: line breaks and tabs become spaces, other control characters go,
    /// and surrounding whitespace (a trailing newline from a copied line) is trimmed.
    static func singleLine(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "\n" || c == "\r\n" || c == "\r" || c == "\t" { out.append(" ") } else if DisplayWidth.of(c) > 0 { out.append(c) }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
