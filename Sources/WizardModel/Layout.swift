import Cells

/// Screen geometry the model needs for scrolling (page sizes, wrap widths); the renderer uses the same numbers.
public enum Layout {
    /// Rows above the destroy screen's pane: the title, what it removes, a note, the header and its rule.
    public static let destroyPaneTop = 11
    /// Rows below the review's and the destroy screen's panes: rule, actions, message (two rows, so a write error or
    /// a note is read whole), footer.
    public static let paneBottomRows = 5
    /// Summary lines on the review screen with one worker group and no mount.
    public static let reviewSummaryRows = 7
    /// Rows the review's preview pane keeps however many summary lines there are.
    static let reviewPaneMinimumRows = 3

    /// The columns a full-width pane wraps at: two columns of margin on each side.
    public static func paneColumns(_ size: Size) -> Int { max(1, size.columns - 4) }

    /// The destroy screen's pane: rows it shows and columns it wraps at.
    public static func destroyPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - destroyPaneTop - paneBottomRows), paneColumns(size))
    }

    /// The review screen's preview pane below `summaryRows` lines of answers: title and blank, the summary, tabs and
    /// rule above it.
    public static func reviewPaneTop(summaryRows: Int) -> Int { 2 + summaryRows + 2 }

    /// The review's preview pane below `summaryRows` lines of answers: rows it shows and columns it wraps at.
    public static func reviewPane(_ size: Size, summaryRows: Int) -> (rows: Int, columns: Int) {
        (max(1, size.rows - reviewPaneTop(summaryRows: summaryRows) - paneBottomRows), paneColumns(size))
    }

    /// The columns of a review summary line's value: from column 12 to two before the edge.
    public static func reviewSummaryWidth(_ size: Size) -> Int { size.columns - 14 }

    /// The most summary lines the review shows at this size: the pane keeps `reviewPaneMinimumRows`.
    public static func reviewSummaryLimit(_ size: Size) -> Int {
        max(reviewSummaryRows, size.rows - paneBottomRows - reviewPaneTop(summaryRows: 0) - reviewPaneMinimumRows)
    }

    /// The full-screen log: title, header and footer around it.
    public static func logPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - 4), paneColumns(size))
    }

    /// doctor's checklist: title, the line on what it reads, blank above; blank, status line and footer below.
    public static func doctorPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - 7), paneColumns(size))
    }

    /// Whether the terminal is big enough for the wizard's layout.
    public static func fits(_ size: Size) -> Bool {
        size.columns >= Size.minimum.columns && size.rows >= Size.minimum.rows
    }
}
