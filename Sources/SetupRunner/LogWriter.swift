#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a step's log file through a 64 KiB buffer: one write(2) per buffer, not per line.
///
/// Lines that lie back to back in the caller's read buffer (most of a chatty step's output) are not copied at all:
/// they are written from there as one run when the caller is done with that buffer (`endOfChunk()`).
final class LogWriter {
    private let fd: Int32
    private let capacity = 64 * 1024
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    /// The run of verbatim lines not yet written, in the caller's buffer. Either it or `buffer` is empty, so
    /// writing whichever is not keeps the lines in order.
    private var runStart: UnsafeRawPointer?
    private var runCount = 0

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

    /// Takes one line that the caller's buffer holds followed by its newline; valid until `endOfChunk()`.
    func write(verbatimLine bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress else { return write(line: bytes) }
        if let runStart, runStart + runCount == start {
            runCount += bytes.count + 1
            return
        }
        writeRun()
        flushBuffer()
        runStart = start
        runCount = bytes.count + 1
    }

    /// Writes the pending run of verbatim lines: call before the buffer they are in is reused.
    func endOfChunk() { writeRun() }

    /// Buffers (copies) the bytes of one line plus a newline.
    func write(line bytes: UnsafeRawBufferPointer) {
        writeRun()
        if used + bytes.count + 1 > capacity {
            flushBuffer()
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

    /// Writes out what is pending. Log writing is best effort: a full disk must not fail the step itself.
    func flush() {
        writeRun()
        flushBuffer()
    }

    private func flushBuffer() {
        writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
        used = 0
    }

    private func writeRun() {
        guard let start = runStart else { return }
        writeAll(UnsafeRawBufferPointer(start: start, count: runCount))
        runStart = nil
        runCount = 0
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
