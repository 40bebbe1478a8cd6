import TestKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pseudo-terminal pair: the code under test gets the slave side, the test plays the emulator on the master.
final class PseudoTerminal {
    let master: Int32
    let slave: Int32
    private var masterOpen = true

    init(columns: Int = 80, rows: Int = 24) throws {
        guard let (master, slavePath) = PTY.openMaster(columns: columns, rows: rows) else { throw PTYError.open }
        self.master = master
        slave = open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw PTYError.open
        }
        resize(columns: columns, rows: rows)
    }

    deinit {
        close(slave)
        if masterOpen { close(master) }
    }

    /// Closes the emulator's side, as when its window is closed: the slave side reads a hang-up.
    func hangUp() {
        if masterOpen { close(master) }
        masterOpen = false
    }

    /// Sets the window size the slave side reports (what an emulator does when its window changes).
    func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Types bytes as if on the keyboard.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything the program wrote, read until the line stays quiet for `quietMilliseconds`.
    func drain(quietMilliseconds: Int32 = 60) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, quietMilliseconds) > 0 else { return output }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return output }
            output.append(contentsOf: buffer[0..<count])
        }
    }

    /// The termios the slave side currently has.
    func modes() -> termios {
        var modes = termios()
        tcgetattr(slave, &modes)
        return modes
    }

    enum PTYError: Error { case open }
}

extension Array where Element == UInt8 {
    /// True when `text`'s UTF-8 bytes occur in order, contiguously.
    func contains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
