internal import CNcurses
import Cells
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ncurses backend: owns the tty between `start()` and `stop()`, reads events and presents frames.
///
/// Signals: while started, SIGINT and SIGTERM sent from outside are caught by a minimal C handler that
/// only sets a flag; `nextEvent` reports it as `.signal(...)` so the app can cancel a run and exit
/// with `signal.exitStatus`. A second one arriving before the app took the first, and any SIGHUP,
/// restores the tty (termios + leave-program-mode bytes, async-signal-safe) and re-raises with the
/// default action (exit status 130 / 143 / 129). With `Options.deliverSignals = false` the first
/// SIGINT/SIGTERM does that already. An `atexit` hook restores too (for a program that ends with exit(3)
/// while started), and `deinit` calls `stop()`.
/// Ctrl-C typed in the terminal is not a signal here (ISIG is off): it arrives as `.key(.ctrl("c"))`.
public final class Terminal {
    /// How `start()` sets the terminal up.
    public struct Options: Sendable {
        /// Report SIGINT/SIGTERM as `.signal` events (true) or restore and die at once (false).
        public var deliverSignals: Bool
        /// `.automatic` uses colour when the terminal has it and `NO_COLOR` is unset or empty.
        public var colors: ColorMode
        /// The terminfo entry to use; nil means `$TERM`.
        public var terminalType: String?
        /// How long a lone ESC waits for the rest of an escape sequence.
        public var escapeDelayMilliseconds: Int

        /// Options with the defaults the wizard uses.
        public init(deliverSignals: Bool = true, colors: ColorMode = .automatic, terminalType: String? = nil, escapeDelayMilliseconds: Int = 25) {
            self.deliverSignals = deliverSignals
            self.colors = colors
            self.terminalType = terminalType
            self.escapeDelayMilliseconds = escapeDelayMilliseconds
        }
    }

    /// Whether `start()` may use colour.
    public enum ColorMode: Sendable {
        case automatic, never
    }

    /// True when `NO_COLOR` is set to anything but the empty string (no-color.org): no colour in any output.
    public static var isNoColorRequested: Bool {
        getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
    }

    /// True when the locale's character set is UTF-8, so the view may draw Unicode glyphs.
    public let isUTF8: Bool
    /// True after `start()` when frames are drawn in colour; otherwise styles map to attributes only.
    public private(set) var supportsColor = false
    /// True between `start()` and `stop()`.
    public var isStarted: Bool { screen != nil }

    let input: Int32
    let output: Int32
    let options: Options
    var screen: OpaquePointer?
    var window: UnsafeMutablePointer<WINDOW>?
    var inputStream: UnsafeMutablePointer<FILE>?
    var outputStream: UnsafeMutablePointer<FILE>?
    var savedModes = termios()
    var palette = ColorPalette(colorsEnabled: false, colorCount: 0)
    /// The last presented frame: `present` draws only the cells that differ from it.
    var previous: Frame?
    var needsFullRedraw = true
    /// Set once the input reported a hang-up: reading again would return at once, forever.
    var inputHungUp = false
    var cursorVisible: Bool?
    /// The descriptor whose termios ncurses changes and we restore.
    var ttyDescriptor: Int32 { isatty(output) == 1 ? output : input }

    /// A terminal reading `input` and drawing on `output` (stdin and stdout by default). Sets the locale from the environment.
    public init(input: Int32 = 0, output: Int32 = 1, options: Options = Options()) {
        self.input = input
        self.output = output
        self.options = options
        // Wide-character ncurses and nl_langinfo both need the user's locale, not "C".
        setlocale(LC_ALL, "")
        isUTF8 = Terminal.localeIsUTF8()
    }

    deinit {
        stop()
    }

    /// True when both stdin and stdout are terminals, i.e. the interactive wizard can run.
    public static func isInteractive() -> Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Returns and clears a SIGINT/SIGTERM caught while started that `nextEvent` has not reported yet.
    public static func takePendingSignal() -> TerminalSignal? {
        TerminalSignal(number: cn_trap_take())
    }

    /// Takes over the terminal: alternate screen, raw keys (no echo, no ISIG), keypad, bracketed paste.
    public func start() throws {
        guard screen == nil else { return }
        guard tcgetattr(ttyDescriptor, &savedModes) == 0 else { throw TerminalError.notATerminal }
        // Before newterm: ncurses only installs its own SIGINT/SIGTERM handlers where none exist,
        // and its handlers exit without giving the app a say.
        cn_trap_install(options.deliverSignals ? 1 : 0)
        // Size from the tty's ioctl, not from LINES/COLUMNS a shell may have exported long ago.
        use_tioctl(true)
        do {
            try openScreen()
        } catch {
            cn_trap_uninstall()
            throw error
        }
        set_escdelay(Int32(options.escapeDelayMilliseconds))
        raw()
        noecho()
        nonl()
        keypad(window, true)
        intrflush(window, false)
        setUpColors()
        KeyDecoder.defineExtraSequences()
        armRestore()
        needsFullRedraw = true
        previous = nil
        cursorVisible = nil
        writeRaw(Terminal.bracketedPasteOn)
    }

    /// Gives the terminal back exactly as it was before `start()`. Safe to call more than once.
    public func stop() {
        guard let screen else { return }
        writeRaw(Terminal.bracketedPasteOff)
        curs_set(1)
        endwin()
        cn_trap_disarm()
        // endwin restores ncurses' saved modes; setting ours too covers a tty changed behind its back.
        tcsetattr(ttyDescriptor, TCSADRAIN, &savedModes)
        delscreen(screen)
        if let inputStream { fclose(inputStream) }
        if let outputStream { fclose(outputStream) }
        cn_trap_uninstall()
        self.screen = nil
        window = nil
        inputStream = nil
        outputStream = nil
        previous = nil
    }

    /// The current size in cells (of the screen when started, else of the tty).
    public func size() -> Size {
        if let window {
            return Size(columns: Int(getmaxx(window)), rows: Int(getmaxy(window)))
        }
        var winsize = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &winsize) == 0 else { return Size(columns: 0, rows: 0) }
        return Size(columns: Int(winsize.ws_col), rows: Int(winsize.ws_row))
    }

    static let bracketedPasteOn = "\u{1B}[?2004h"
    static let bracketedPasteOff = "\u{1B}[?2004l"

    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    private func openScreen() throws {
        // ncurses closes nothing, but fclose in stop() does: give it duplicates, not our descriptors.
        let outCopy = dup(output)
        let inCopy = dup(input)
        guard outCopy >= 0, inCopy >= 0,
              let outStream = fdopen(outCopy, "w"), let inStream = fdopen(inCopy, "r")
        else {
            let code = errno
            if outCopy >= 0 { close(outCopy) }
            if inCopy >= 0 { close(inCopy) }
            throw TerminalError.cannotOpenStream(errno: code)
        }
        let type = options.terminalType ?? getenv("TERM").map { String(cString: $0) } ?? "dumb"
        guard let newScreen = newterm(type, outStream, inStream) else {
            fclose(outStream)
            fclose(inStream)
            throw TerminalError.unknownTerminalType(type)
        }
        screen = newScreen
        window = cn_stdscr()
        outputStream = outStream
        inputStream = inStream
    }

    private func setUpColors() {
        let wanted = options.colors == .automatic && !Self.isNoColorRequested && has_colors()
        if wanted {
            start_color()
        }
        let usable = wanted && cn_colors() >= 8
        let defaultBackground = usable && use_default_colors() == OK
        palette = ColorPalette(colorsEnabled: usable, colorCount: Int(cn_colors()))
        if usable {
            for (pair, colors) in palette.pairs(defaultBackground: defaultBackground) {
                init_pair(pair, colors.foreground, colors.background)
            }
        }
        supportsColor = usable
    }

    /// Hands the C signal/atexit trap everything it needs to restore without ncurses.
    private func armRestore() {
        var bytes = Array(Terminal.bracketedPasteOff.utf8)
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            if let value = tigetstr(capability), Int(bitPattern: value) != -1 {
                bytes.append(contentsOf: Array(String(cString: value).utf8))
            }
        }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                _ = cn_trap_arm(ttyDescriptor, &savedModes, chars.baseAddress, Int32(min(chars.count, Int(CN_TRAP_RESTORE_MAX))))
            }
        }
    }

    /// Writes escape sequences ncurses does not know about straight to the tty, after its own output.
    func writeRaw(_ text: String) {
        if let outputStream { fflush(outputStream) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { write(output, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
