internal import CNcurses
import Cells

/// Maps semantic `Style`s to ncurses attributes and colour pairs, or to attributes alone without colour.
struct ColorPalette {
    let colorsEnabled: Bool
    let colorCount: Int

    /// The colour pair (foreground, background) registered for each semantic colour, by pair number.
    func pairs(defaultBackground: Bool) -> [(Int16, (foreground: Int16, background: Int16))] {
        let background = defaultBackground ? Int16(-1) : Int16(COLOR_BLACK)
        return Color.allCases.compactMap { color in
            guard let foreground = foreground(color) else { return nil }
            let pairBackground = color == .selection ? Int16(COLOR_CYAN) : background
            return (pairNumber(color), (foreground, pairBackground))
        }
    }

    /// The attributes and pair number that draw `style`.
    func attributes(for style: Style) -> (attributes: attr_t, pair: Int16) {
        var attributes = cn_attr_normal()
        if style.bold { attributes |= cn_attr_bold() }
        if style.reverse { attributes |= cn_attr_reverse() }
        if style.underline { attributes |= cn_attr_underline() }
        if colorsEnabled {
            if style.color == .muted && colorCount < 16 { attributes |= cn_attr_dim() }
            return (attributes, foreground(style.color) == nil ? 0 : pairNumber(style.color))
        }
        // Without colour the meaning must survive in attributes: selection is reverse video,
        // errors and warnings are bold, muted text is dim (where the terminal can).
        switch style.color {
        case .selection: attributes |= cn_attr_reverse()
        case .error, .warning: attributes |= cn_attr_bold()
        case .muted: attributes |= cn_attr_dim()
        case .normal, .accent, .success: break
        }
        return (attributes, 0)
    }

    private func pairNumber(_ color: Color) -> Int16 {
        Int16(color.rawValue)
    }

    private func foreground(_ color: Color) -> Int16? {
        switch color {
        case .normal: nil
        case .accent: Int16(COLOR_CYAN)
        case .success: Int16(COLOR_GREEN)
        case .warning: Int16(COLOR_YELLOW)
        case .error: Int16(COLOR_RED)
        // Bright black (grey) exists from 16 colours up; below that muted is dim default text.
        case .muted: colorCount >= 16 ? 8 : nil
        case .selection: Int16(COLOR_BLACK)
        }
    }
}
