/// Semantic colours: the terminal maps them to real colours, or to attributes alone without colour.
public enum Color: UInt8, Equatable, Hashable, Sendable, CaseIterable {
    case normal, accent, success, warning, error, muted, selection
}

/// How one cell is drawn.
public struct Style: Equatable, Hashable, Sendable {
    public var color: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ color: Color = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
}
