import RunModel

/// The symbols the screens use, in UTF-8 or in plain ASCII for terminals without a UTF-8 locale.
struct Glyphs: Sendable {
    /// Plain ASCII: key names and punctuation are spelled out too.
    let asciiOnly: Bool
    let pending: String
    let done: String
    let alreadyDone: String
    let failed: String
    let skipped: String
    let interrupted: String
    /// A check that holds with a warning, or could not be read (preflight's !).
    let warning: String
    let spinner: [String]
    let radioOn: String
    let radioOff: String
    let focus: String
    let rule: String
    let separator: String
    let ellipsis: String
    let box: (topLeft: String, topRight: String, bottomLeft: String, bottomRight: String, horizontal: String, vertical: String)

    static let unicode = Glyphs(
        asciiOnly: false, pending: "○", done: "✓", alreadyDone: "✓", failed: "✗", skipped: "–", interrupted: "■", warning: "!",
        spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
        radioOn: "●", radioOff: "○", focus: "›", rule: "─", separator: " · ", ellipsis: "…",
        box: ("┌", "┐", "└", "┘", "─", "│"))

    static let ascii = Glyphs(
        asciiOnly: true, pending: "[ ]", done: "[x]", alreadyDone: "[=]", failed: "[!]", skipped: "[-]", interrupted: "[~]", warning: "(!)",
        spinner: ["(|)", "(/)", "(-)", "(\\)"],
        radioOn: "(*)", radioOff: "( )", focus: ">", rule: "-", separator: " | ", ellipsis: "...",
        box: ("+", "+", "+", "+", "-", "|"))

    static func forState(asciiOnly: Bool) -> Glyphs { asciiOnly ? ascii : unicode }

    /// The status symbol; `frame` picks the spinner's phase.
    func status(_ status: StepStatus, frame: Int) -> String {
        switch status {
        case .pending: return pending
        case .running: return spinner[((frame % spinner.count) + spinner.count) % spinner.count]
        case .done: return done
        case .alreadyDone: return alreadyDone
        case .failed: return failed
        case .skipped: return skipped
        case .interrupted: return interrupted
        }
    }

    /// Key names in the footer and help: arrows spelled out without UTF-8.
    func keyLabel(_ label: String) -> String {
        guard asciiOnly else { return label }
        return label.replacingOccurrences(of: "↑", with: "Up").replacingOccurrences(of: "↓", with: "Down")
            .replacingOccurrences(of: "←", with: "Left").replacingOccurrences(of: "→", with: "Right")
    }

    /// Text that may hold UTF-8 punctuation, made ASCII.
    func text(_ s: String) -> String {
        guard asciiOnly else { return s }
        return s.replacingOccurrences(of: "…", with: "...").replacingOccurrences(of: "—", with: "-")
            .replacingOccurrences(of: "·", with: "|").replacingOccurrences(of: "›", with: ">")
    }
}

extension StepStatus {
    /// A word for states that are not plain "done", so they read without colour.
    var label: String {
        switch self {
        case .pending: return ""
        case .running: return "running"
        case .done: return ""
        case .alreadyDone: return "already done"
        case .failed: return "failed"
        case .skipped: return "skipped"
        case .interrupted: return "interrupted"
        }
    }
}
