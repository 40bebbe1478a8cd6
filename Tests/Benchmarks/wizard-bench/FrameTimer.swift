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
        guard let (master, slavePath) = PTY.openMaster(columns: columns, rows: rows) else { return nil }
        defer { close(master) }
        let start = ContinuousClock.now
        let pid = PTY.launch(argv, environment: environment, slavePath: slavePath)
        guard pid > 0 else { return nil }
        defer {
            kill(pid, SIGKILL)
            _ = Spawn.wait(pid)
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
}
