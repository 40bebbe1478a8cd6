internal import CNcurses
import Cells
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Terminal {
    /// Waits up to `timeoutMilliseconds` (negative: forever) for a key, a resize or a caught signal.
    /// Returns nil on timeout, so a caller's loop can tick a spinner and drain other events.
    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        if let signal = Terminal.takePendingSignal() { return .signal(signal) }
        guard let window else { return nil }
        if inputHungUp {
            // Reported once already; without this wait the caller's loop would spin on a dead terminal.
            usleep(useconds_t(min(max(0, timeoutMilliseconds < 0 ? 100 : timeoutMilliseconds), 100) * 1000))
            return nil
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(max(0, timeoutMilliseconds)))
        // Keys the wizard ignores (mouse, keypad centre...) must not end the wait early.
        while true {
            var wait = timeoutMilliseconds
            if timeoutMilliseconds >= 0 {
                let left = clock.now.duration(to: deadline).components
                wait = max(0, Int(left.seconds) * 1000 + Int(left.attoseconds / 1_000_000_000_000_000))
            }
            wtimeout(window, Int32(clamping: wait))
            var code: wint_t = 0
            let status = wget_wch(window, &code)
            if let signal = Terminal.takePendingSignal() {
                if status != ERR { unget(status: status, code: code) }
                return .signal(signal)
            }
            if status == ERR {
                if hasHungUp() {
                    inputHungUp = true
                    return .signal(.hangup)
                }
                // ERR also means a signal interrupted the wait; loop unless the time is up.
                if timeoutMilliseconds >= 0 && clock.now >= deadline { return nil }
                continue
            }
            if let event = event(status: status, code: code) { return event }
            if timeoutMilliseconds >= 0 && clock.now >= deadline { return nil }
        }
    }

    /// Whether the input side hung up (the emulator closed, the ssh session dropped) while no SIGHUP came.
    private func hasHungUp() -> Bool {
        var poller = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        return poller.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    private func event(status: Int32, code: wint_t) -> TerminalEvent? {
        guard status == KEY_CODE_YES else {
            return KeyDecoder.key(forCharacter: code).map(TerminalEvent.key)
        }
        let keyCode = Int32(bitPattern: code)
        switch keyCode {
        case KEY_RESIZE:
            needsFullRedraw = true
            return .resize(size())
        case KeyDecoder.pasteStart:
            return .key(.paste(readPaste()))
        default:
            return KeyDecoder.key(forKeyCode: keyCode).map(TerminalEvent.key)
        }
    }

    /// Keeps a key read just before a signal was noticed, so the signal does not swallow it.
    private func unget(status: Int32, code: wint_t) {
        if status == KEY_CODE_YES {
            ungetch(Int32(bitPattern: code))
        } else {
            unget_wch(wchar_t(bitPattern: code))
        }
    }

    /// Reads pasted text up to the end marker; gives up after half a second of silence in case the
    /// marker was lost, rather than swallowing every later key.
    private func readPaste() -> String {
        guard let window else { return "" }
        let limit = 1 << 20
        var scalars = String.UnicodeScalarView()
        var count = 0
        var lastWasReturn = false
        wtimeout(window, 500)
        while true {
            var code: wint_t = 0
            let status = wget_wch(window, &code)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                // Key codes inside a paste are bytes ncurses matched as keys (a pasted DEL, say): drop them.
                if Int32(bitPattern: code) == KeyDecoder.pasteEnd { break }
                continue
            }
            // Terminals paste line breaks as CR (what Enter sends); CRLF from some sources stays one break.
            if code == 10 && lastWasReturn { lastWasReturn = false; continue }
            lastWasReturn = code == 13
            let value = code == 13 ? 10 : code
            if count < limit, let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
                count += 1
            }
        }
        return String(scalars)
    }
}
