#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines (LF, with a trailing CR dropped), cutting lines longer than `maxLineBytes`.
///
/// Holds at most one partial line, so memory stays bounded whatever the output size.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
        pending.reserveCapacity(min(self.maxLineBytes, 4096))
    }

    /// Feeds `bytes`, calling `emit` for each complete line.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, emit: (String) -> Void) {
        var start = 0
        let count = bytes.count
        while start < count {
            // memchr: this is the hot path of a 1,000,000-line step.
            let end: Int
            if let base = bytes.baseAddress, let hit = memchr(base + start, 0x0a, count - start) {
                end = base.distance(to: UnsafeRawPointer(hit))
            } else {
                end = count
            }
            let room = maxLineBytes - pending.count
            if end - start > room {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + room)]))
                emit(takeLine())
                start += room
                continue
            }
            if end == count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                return
            }
            if pending.isEmpty {
                emit(Self.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                emit(takeLine())
            }
            start = end + 1
        }
    }

    /// Emits the last line when the stream ended without a newline.
    mutating func finish(emit: (String) -> Void) {
        if !pending.isEmpty { emit(takeLine()) }
    }

    private mutating func takeLine() -> String {
        let line = pending.withUnsafeBytes { Self.decode($0) }
        pending.removeAll(keepingCapacity: true)
        return line
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) -> String {
        var bytes = raw
        if let last = bytes.last, last == 0x0d { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        // Typed view: String's fast validating path; invalid UTF-8 is repaired rather than dropped.
        return String(decoding: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count), as: UTF8.self)
    }
}
