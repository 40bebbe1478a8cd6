/// One character cell of a frame. Wide characters take two cells; the second holds `continuation`.
public struct Cell: Equatable, Hashable, Sendable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
    /// Placeholder for the right half of a double-width character.
    public static let continuation = Cell("\u{0}")
}
