#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a step's log file through a 64 KiB buffer: one write(2) per buffer, not per line.
final class LogWriter {
    private let fd: Int32
    private let capacity = 64 * 1024
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0

    /// Opens `path` for appending (created 0600).
    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WorkspaceError.io("open \(path)", errno) }
        self.fd = fd
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        flush()
        close(fd)
        buffer.deallocate()
    }

    /// Buffers `line` plus a newline.
    func write(_ line: String) {
        var line = line
        line.withUTF8 { write(line: UnsafeRawBufferPointer($0)) }
    }

    /// Buffers the bytes of one line plus a newline: the output hot path, straight from the read buffer.
    func write(line bytes: UnsafeRawBufferPointer) {
        if used + bytes.count + 1 > capacity {
            flush()
            // Longer than the whole buffer: write it as it is.
            if bytes.count + 1 > capacity {
                writeAll(bytes)
                var newline: UInt8 = 0x0a
                withUnsafeBytes(of: &newline) { writeAll($0) }
                return
            }
        }
        if let source = bytes.baseAddress, let target = buffer.baseAddress, !bytes.isEmpty {
            (target + used).copyMemory(from: source, byteCount: bytes.count)
        }
        buffer[used + bytes.count] = 0x0a
        used += bytes.count + 1
    }

    /// Writes out what is buffered. Log writing is best effort: a full disk must not fail the step itself.
    func flush() {
        writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
        used = 0
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < raw.count {
            let n = posixWrite(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
    }
}

private func posixWrite(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, pointer, count)
}
