import Cells

/// Screen geometry the model needs for scrolling (page sizes, wrap widths); the renderer uses the same numbers.
public enum Layout {
    /// Rows above the preview pane on the review screen: title, blank, summary, blank, tabs, rule.
    public static let reviewPaneTop = 11
    /// Rows below it: rule, actions, message (two rows, so a write error or a note is read whole), footer.
    public static let reviewPaneBottomRows = 5
    /// Summary lines on the review screen.
    public static let reviewSummaryRows = 7

    /// The review preview pane: rows it shows and columns it wraps at.
    public static func reviewPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - reviewPaneTop - reviewPaneBottomRows), max(1, size.columns - 4))
    }

    /// The full-screen log: title, header and footer around it.
    public static func logPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - 4), max(1, size.columns - 4))
    }

    /// doctor's checklist: title, the line on what it reads, blank above; blank, status line and footer below.
    public static func doctorPane(_ size: Size) -> (rows: Int, columns: Int) {
        (max(1, size.rows - 7), max(1, size.columns - 4))
    }

    /// Whether the terminal is big enough for the wizard's layout.
    public static func fits(_ size: Size) -> Bool {
        size.columns >= Size.minimum.columns && size.rows >= Size.minimum.rows
    }
}
