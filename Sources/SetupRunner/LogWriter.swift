#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a step's log file through a 64 KiB buffer: one write(2) per buffer, not per line.
final class LogWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let flushThreshold = 64 * 1024

    /// Opens `path` for appending (created 0600).
    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WorkspaceError.io("open \(path)", errno) }
        self.fd = fd
        buffer.reserveCapacity(flushThreshold + 1024)
    }

    deinit {
        flush()
        close(fd)
    }

    /// Buffers `line` plus a newline.
    func write(_ line: String) {
        var line = line
        line.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(0x0a)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes out what is buffered. Log writing is best effort: a full disk must not fail the step itself.
    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

private func posixWrite(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, pointer, count)
}
