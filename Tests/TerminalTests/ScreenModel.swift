/// A small VT/xterm interpreter: feeds it what the program wrote and it tracks the screen the user
/// would see, so tests assert on the result instead of on ncurses' choice of escape sequences.
struct ScreenModel {
    struct Attributes: Equatable {
        var bold = false, underline = false, reverse = false
        var foreground: Int?
        var background: Int?
    }

    struct Glyph: Equatable {
        var character: Character = " "
        var attributes = Attributes()
    }

    private(set) var columns: Int
    private(set) var rows: Int
    private(set) var grid: [[Glyph]]
    private(set) var cursor = (column: 0, row: 0)
    private(set) var cursorVisible = true
    /// Sequences the model did not understand; a test fails if ncurses used one, rather than guess.
    private(set) var unknown: [String] = []
    private var attributes = Attributes()
    private var last: Character = " "
    private var pending: [UInt8] = []

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        grid = Array(repeating: Array(repeating: Glyph(), count: columns), count: rows)
    }

    /// The text of `row`, trailing spaces removed, wide characters once.
    func line(_ row: Int) -> String {
        var text = ""
        for glyph in grid[row] where glyph.character != "\u{0}" { text.append(glyph.character) }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// All rows joined like `Frame.plainText`.
    var plainText: String { (0..<rows).map(line).joined(separator: "\n") }

    mutating func resize(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        grid = Array(repeating: Array(repeating: Glyph(), count: columns), count: rows)
        cursor = (min(cursor.column, columns - 1), min(cursor.row, rows - 1))
    }

    mutating func feed(_ bytes: [UInt8]) {
        pending += bytes
        var index = 0
        while index < pending.count {
            guard let consumed = step(Array(pending[index...])) else { break }
            index += consumed
        }
        pending.removeFirst(index)
    }

    /// Interprets one item at the start of `bytes`; returns the bytes used or nil if incomplete.
    private mutating func step(_ bytes: [UInt8]) -> Int? {
        let byte = bytes[0]
        switch byte {
        case 0x1B: return escape(bytes)
        case 0x0D: cursor.column = 0; return 1
        case 0x0A: cursor.row = min(rows - 1, cursor.row + 1); return 1
        case 0x08: cursor.column = max(0, cursor.column - 1); return 1
        case 0x07, 0x0F, 0x0E: return 1
        case 0x09: cursor.column = min(columns - 1, (cursor.column / 8 + 1) * 8); return 1
        default:
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            guard bytes.count >= length else { return nil }
            let text = String(decoding: bytes[0..<length], as: UTF8.self)
            if let character = text.first { put(character) }
            return length
        }
    }

    private mutating func put(_ character: Character) {
        let wide = character.unicodeScalars.first.map { $0.value >= 0x1100 && ($0.value <= 0x115F || $0.value >= 0x2E80) } ?? false
        if cursor.column >= columns { cursor.column = columns - 1 }
        grid[cursor.row][cursor.column] = Glyph(character: character, attributes: attributes)
        if wide && cursor.column + 1 < columns {
            grid[cursor.row][cursor.column + 1] = Glyph(character: "\u{0}", attributes: attributes)
        }
        last = character
        cursor.column = min(columns, cursor.column + (wide ? 2 : 1))
    }

    private mutating func escape(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        switch bytes[1] {
        case UInt8(ascii: "["): return controlSequence(bytes)
        case UInt8(ascii: "("), UInt8(ascii: ")"): return bytes.count >= 3 ? 3 : nil
        case UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "7"), UInt8(ascii: "8"): return 2
        default:
            unknown.append("ESC " + String(UnicodeScalar(bytes[1])))
            return 2
        }
    }

    private mutating func controlSequence(_ bytes: [UInt8]) -> Int? {
        var index = 2
        while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        let body = String(decoding: bytes[2..<index], as: UTF8.self)
        let final = Character(UnicodeScalar(bytes[index]))
        if body.hasPrefix("?") {
            let modes = body.dropFirst().split(separator: ";").compactMap { Int($0) }
            if modes.contains(25) { cursorVisible = final == "h" }
            return index + 1
        }
        let numbers = body.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        func parameter(_ position: Int, _ fallback: Int = 1) -> Int {
            position < numbers.count ? (numbers[position] ?? fallback) : fallback
        }
        switch final {
        case "H", "f": cursor = (min(columns - 1, parameter(1) - 1), min(rows - 1, parameter(0) - 1))
        case "d": cursor.row = min(rows - 1, parameter(0) - 1)
        case "G", "`": cursor.column = min(columns - 1, parameter(0) - 1)
        case "A": cursor.row = max(0, cursor.row - parameter(0))
        case "B": cursor.row = min(rows - 1, cursor.row + parameter(0))
        case "C": cursor.column = min(columns - 1, cursor.column + parameter(0))
        case "D": cursor.column = max(0, cursor.column - parameter(0))
        case "J" where parameter(0, 0) == 2: grid = Array(repeating: Array(repeating: Glyph(), count: columns), count: rows)
        case "K": erase(row: cursor.row, from: parameter(0, 0) == 0 ? cursor.column : 0, to: parameter(0, 0) == 1 ? cursor.column + 1 : columns)
        case "X": erase(row: cursor.row, from: cursor.column, to: min(columns, cursor.column + parameter(0)))
        case "b": for _ in 0..<parameter(0) { put(last) }
        case "m": applyGraphicRendition(numbers.map { $0 ?? 0 })
        case "r", "l", "h", "t": break  // scroll region, modes, window ops (smcup pushes the title)
        default: unknown.append("CSI \(body)\(final)")
        }
        return index + 1
    }

    private mutating func erase(row: Int, from start: Int, to end: Int) {
        guard start < end else { return }
        for column in start..<end { grid[row][column] = Glyph(attributes: Attributes(background: attributes.background)) }
    }

    private mutating func applyGraphicRendition(_ codes: [Int]) {
        var index = 0
        let codes = codes.isEmpty ? [0] : codes
        while index < codes.count {
            switch codes[index] {
            case 0: attributes = Attributes()
            case 1: attributes.bold = true
            case 4: attributes.underline = true
            case 7: attributes.reverse = true
            case 22: attributes.bold = false
            case 24: attributes.underline = false
            case 27: attributes.reverse = false
            case 30...37: attributes.foreground = codes[index] - 30
            case 90...97: attributes.foreground = codes[index] - 82
            case 39: attributes.foreground = nil
            case 40...47: attributes.background = codes[index] - 40
            case 100...107: attributes.background = codes[index] - 92
            case 49: attributes.background = nil
            case 38, 48:
                if index + 2 < codes.count, codes[index + 1] == 5 {
                    if codes[index] == 38 { attributes.foreground = codes[index + 2] } else { attributes.background = codes[index + 2] }
                    index += 2
                }
            default: break
            }
            index += 1
        }
    }
}
