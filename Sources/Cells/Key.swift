/// A key press, as the terminal backend reports it and the view-model consumes it.
public enum Key: Equatable, Hashable, Sendable {
    case char(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl plus a letter, lowercased (`.ctrl("u")` is Ctrl-U); Ctrl-C arrives as `.ctrl("c")`.
    case ctrl(Character)
    /// Text pasted in one go (bracketed paste); inserted as is into text fields.
    case paste(String)
    case function(Int)
}
