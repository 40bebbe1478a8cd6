internal import CNcurses
import Cells

/// Translates what `wget_wch` returns (characters and KEY_* codes) into `Key`s.
enum KeyDecoder {
    /// Our own key codes for the bracketed-paste markers, far above ncurses' codes (KEY_MAX is 0777
    /// and terminfo extended keys are numbered just after it).
    static let pasteStart: Int32 = 0x7E00
    static let pasteEnd: Int32 = 0x7E01

    /// The key for a character `wget_wch` returned with OK, or nil for one the wizard ignores.
    static func key(forCharacter code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let letter = Unicode.Scalar(code + 96) else { return nil }
            return .ctrl(Character(letter))
        case 0, 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// The key for a KEY_* code `wget_wch` returned with KEY_CODE_YES, or nil for one the wizard ignores.
    static func key(forKeyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case (cn_key_f0() + 1)...(cn_key_f0() + 24): return .function(Int(code - cn_key_f0()))
        default: return nil
        }
    }

    /// Teaches ncurses the paste markers and the normal-mode cursor sequences some terminals send
    /// even after keypad transmit mode was requested (terminfo only lists the application-mode ones).
    static func defineExtraSequences() {
        let sequences: [(String, Int32)] = [
            ("\u{1B}[200~", pasteStart), ("\u{1B}[201~", pasteEnd),
            ("\u{1B}[A", KEY_UP), ("\u{1B}[B", KEY_DOWN), ("\u{1B}[C", KEY_RIGHT), ("\u{1B}[D", KEY_LEFT),
            ("\u{1B}OA", KEY_UP), ("\u{1B}OB", KEY_DOWN), ("\u{1B}OC", KEY_RIGHT), ("\u{1B}OD", KEY_LEFT),
            ("\u{1B}[H", KEY_HOME), ("\u{1B}[F", KEY_END), ("\u{1B}OH", KEY_HOME), ("\u{1B}OF", KEY_END),
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[4~", KEY_END), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[8~", KEY_END),
            ("\u{1B}[3~", KEY_DC), ("\u{1B}[5~", KEY_PPAGE), ("\u{1B}[6~", KEY_NPAGE), ("\u{1B}[Z", KEY_BTAB),
        ]
        for (sequence, code) in sequences where key_defined(sequence) == 0 {
            define_key(sequence, code)
        }
    }
}
