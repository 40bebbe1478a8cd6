/// The complete lines one read of a step's pipe produced, in order; a line becomes a `String` only when asked for.
///
/// A chatty step prints hundreds of thousands of lines and most observers keep only the last few (the wizard's
/// tail) or none (`apply` without `--verbose`), so the engine hands over the bytes once per read instead of a
/// `String` and an event per line.
public struct OutputLines: Sendable, Equatable, RandomAccessCollection {
    /// The step's position in the plan.
    public let index: Int
    public let stepID: String
    public let stream: OutputStream
    /// The lines' bytes back to back, without newlines.
    private var bytes: [UInt8]
    /// Where each line ends in `bytes`.
    private var ends: [Int]

    /// Lines from `lines` (tests, adapters).
    public init(index: Int, stepID: String, stream: OutputStream, lines: [String]) {
        self.init(index: index, stepID: stepID, stream: stream)
        for line in lines {
            var line = line
            line.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    init(index: Int, stepID: String, stream: OutputStream, reservingBytes: Int = 0) {
        self.index = index
        self.stepID = stepID
        self.stream = stream
        bytes = []
        bytes.reserveCapacity(reservingBytes)
        ends = []
    }

    /// Adds one line's bytes (copied).
    mutating func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    /// Line `position`, decoded (invalid UTF-8 repaired).
    public subscript(position: Int) -> String {
        let start = position == 0 ? 0 : ends[position - 1]
        return bytes[start..<ends[position]].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// Each line as an `.output` event, for observers that take lines one at a time.
    public var events: [RunEvent] {
        map { .output(index: index, stepID: stepID, stream: stream, line: $0) }
    }
}
