import RunModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines (LF, with a trailing CR dropped), cutting lines longer than `maxLineBytes`.
///
/// Holds at most one partial line, so memory stays bounded whatever the output size. Lines are handed out as
/// bytes (valid only during the call, usually pointing into the caller's read buffer), so a caller that only
/// logs a line never makes a `String` of it.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
        pending.reserveCapacity(min(self.maxLineBytes, 4096))
    }

    /// Feeds `bytes`, calling `emit` with the bytes of each complete line (without LF or trailing CR) and whether
    /// they are verbatim: a slice of `bytes` followed there by its LF, so a caller may pass on whole runs of lines
    /// without copying them one by one.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, emitBytes emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        let count = bytes.count
        while start < count {
            // memchr: this is the hot path of a 1,000,000-line step.
            let end: Int
            if let hit = memchr(base + start, 0x0a, count - start) {
                end = base.distance(to: UnsafeRawPointer(hit))
            } else {
                end = count
            }
            let room = maxLineBytes - pending.count
            if end - start > room {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + room)]))
                takeLine(emit)
                start += room
                continue
            }
            if end == count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                return
            }
            if pending.isEmpty {
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                let trimmed = Self.droppingCR(line)
                emit(trimmed, trimmed.count == line.count)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                takeLine(emit)
            }
            start = end + 1
        }
    }

    /// Emits the last line's bytes when the stream ended without a newline.
    mutating func finish(emitBytes emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        if !pending.isEmpty { takeLine(emit) }
    }

    private mutating func takeLine(_ emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        pending.withUnsafeBytes { emit(Self.droppingCR($0), false) }
        pending.removeAll(keepingCapacity: true)
    }

    private static func droppingCR(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = bytes.last, last == 0x0d { return UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        return bytes
    }

    /// A line's bytes as a String; invalid UTF-8 is repaired rather than dropped.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        // Typed view: String's fast validating path.
        String(decoding: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count),
               as: UTF8.self)
    }
}
