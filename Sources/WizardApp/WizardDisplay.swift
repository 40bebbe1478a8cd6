import Foundation
import Terminal

/// How the wizard presents itself: full screen or line prompts (plain), with colour or without.
public struct WizardDisplay: Sendable {
    /// Line prompts instead of the full-screen UI.
    public var plain: Bool
    /// Colour in the full-screen UI (where the terminal has it).
    public var color: Bool

    /// Plain with `--plain` or on a terminal that cannot address the screen (TERM=dumb), as screen readers and
    /// editors' shells use; no colour with `--no-color` or `NO_COLOR` set.
    public static func resolve(plainFlag: Bool, noColorFlag: Bool) -> WizardDisplay {
        WizardDisplay(plain: plainFlag || isDumbTerminal, color: !noColorFlag && !Terminal.isNoColorRequested)
    }

    /// TERM=dumb: the terminal takes text and newlines only, no escape sequences.
    public static var isDumbTerminal: Bool {
        // getenv rather than ProcessInfo: this runs before the first frame.
        getenv("TERM").map { String(cString: $0) == "dumb" } ?? false
    }

    /// Standard output is a terminal that takes escape sequences (colour).
    public static var takesEscapeSequences: Bool { isatty(1) == 1 && !isDumbTerminal }

    /// Colour in the line output of a run: a terminal that takes escape sequences, without `--no-color` or `NO_COLOR`.
    public static func colorsLines(noColorFlag: Bool) -> Bool {
        !noColorFlag && !Terminal.isNoColorRequested && takesEscapeSequences
    }
}
