/// A terminal or frame size in cells.
public struct Size: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
    }

    /// The smallest size the wizard lays out; below it a "terminal too small" message shows.
    public static let minimum = Size(columns: 80, rows: 24)

    public var description: String { "\(columns)x\(rows)" }
}
