import Foundation
import TestKit
#if canImport(Glibc)
import Glibc
#endif

/// Times a program's first frame on a pseudo-terminal the bench reads itself: from `posix_spawn` until the
/// text written so far (escape sequences taken out) holds every marker. Without tmux in between there is no
/// polling interval, so differences of a tenth of a millisecond show.
enum FrameTimer {
    /// Seconds until all `markers` were written, or nil if they did not appear within `timeout`.
    static func time(_ argv: [String], environment: [String: String], markers: [String],
                     columns: Int = 80, rows: Int = 24, timeout: Double = 10) -> Double? {
        guard let (master, slavePath) = openPTY(columns: columns, rows: rows) else { return nil }
        defer { close(master) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened in the child after setsid, without O_NOCTTY: the pty becomes its controlling terminal, as in a
        // real terminal (slang opens /dev/tty).
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        Spawn.cleanSignals(&attributes)
        var flags: Int16 = 0
        posix_spawnattr_getflags(&attributes, &flags)
        // POSIX_SPAWN_SETSID (glibc 2.26), which Glibc's Swift module does not export.
        posix_spawnattr_setflags(&attributes, flags | 0x80)
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArgs + cEnv { free(pointer) } }

        var pid = pid_t()
        let start = ContinuousClock.now
        guard let path = argv.first, posix_spawn(&pid, path, &actions, &attributes, cArgs, cEnv) == 0 else { return nil }
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while (ContinuousClock.now - start).seconds < timeout {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) >= 0 || errno == EINTR else { return nil }
            guard descriptor.revents != 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            let now = ContinuousClock.now
            output.append(contentsOf: buffer[0..<count])
            let text = visibleText(output)
            if markers.allSatisfy(text.contains) { return (now - start).seconds }
        }
        return nil
    }

    /// The printable text of terminal output: CSI, OSC and two-byte escape sequences and control characters
    /// taken out, so a marker written in one piece is found whatever cursor moves surround it.
    static func visibleText(_ bytes: [UInt8]) -> String {
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B, index + 1 < bytes.count {
                let next = bytes[index + 1]
                index += 2
                if next == UInt8(ascii: "[") {
                    while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                    index += 1
                } else if next == UInt8(ascii: "]") {
                    while index < bytes.count, bytes[index] != 0x07, bytes[index] != 0x1B { index += 1 }
                    index += bytes.count > index && bytes[index] == 0x1B ? 2 : 1
                } else if next == UInt8(ascii: "(") || next == UInt8(ascii: ")") {
                    index += 1
                }
                continue
            }
            if byte >= 0x20 || byte == UInt8(ascii: "\n") { kept.append(byte) }
            index += 1
        }
        return String(decoding: kept, as: UTF8.self)
    }

    private static func openPTY(columns: Int, rows: Int) -> (Int32, String)? {
        // Glibc's Swift module hides posix_openpt/unlockpt/ptsname; these ioctls are what they do.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0,
              ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
            close(master)
            return nil
        }
        return (master, "/dev/pts/\(number)")
    }
}
