/// A pane of text that scrolls: the review's tabs, the destroy preview, a step's log, doctor's checklist.
protocol ScrollingPane {
    /// Moves by `delta` rows, staying within the text for a pane of `rows` rows.
    mutating func scroll(by delta: Int, rows: Int)
    mutating func scrollToTop()
    /// Jumps so the last line is on the pane's last row.
    mutating func scrollToBottom(rows: Int)
}

extension ScrollingPane {
    /// Carries out a scrolling command on a pane of `rows` rows (a line, a page, the top or the bottom); false for
    /// any other command.
    mutating func scroll(_ command: Command?, rows: Int) -> Bool {
        let page = max(1, rows - 1)
        switch command {
        case .scrollDown?: scroll(by: 1, rows: rows)
        case .scrollUp?: scroll(by: -1, rows: rows)
        case .pageDown?: scroll(by: page, rows: rows)
        case .pageUp?: scroll(by: -page, rows: rows)
        case .scrollTop?: scrollToTop()
        case .scrollBottom?: scrollToBottom(rows: rows)
        default: return false
        }
        return true
    }
}

extension ScrollView: ScrollingPane {}

/// A row of buttons: Tab and S-Tab move the focus around it, Enter presses the focused one, a hotkey its own.
enum ButtonRow {
    enum Outcome: Equatable {
        /// The focus moved.
        case moved
        case pressed(ScreenAction)
    }

    /// What `command` does to the row of `actions` focused at `focus` (moved on Tab and S-Tab); nil when it is not
    /// a button command, or a hotkey of a button this row does not have.
    static func handle(_ command: Command?, _ actions: [ScreenAction], focus: inout Int) -> Outcome? {
        guard !actions.isEmpty else { return nil }
        switch command {
        case .nextAction?:
            focus = (focus + 1) % actions.count
            return .moved
        case .previousAction?:
            focus = (focus + actions.count - 1) % actions.count
            return .moved
        case .activate?:
            return .pressed(actions[min(focus, actions.count - 1)])
        case .action(let action)? where actions.contains(action):
            return .pressed(action)
        default:
            return nil
        }
    }
}
extension DoctorProgress: ScrollingPane {}
