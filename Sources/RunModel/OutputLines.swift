import SetupPlan

/// The complete lines one read of a step's pipe produced, in order; a line becomes a `String` only when asked for.
///
/// A chatty step prints hundreds of thousands of lines and most observers keep only the last few (the wizard's
/// tail) or none (`apply` without `--verbose`), so the engine hands over the bytes once per read instead of a
/// `String` and an event per line.
public struct OutputLines: Sendable, Equatable, RandomAccessCollection {
    /// The step's position in the plan.
    public let index: Int
    public let stepID: StepID
    public let stream: OutputPipe
    /// The read's bytes, then the bytes of lines that were not verbatim in it (carried over, or CR dropped).
    private var bytes: [UInt8]
    /// Where each line is in `bytes`.
    private var ranges: [Range<Int>]

    /// Lines from `lines` (tests, adapters).
    public init(index: Int, stepID: StepID, stream: OutputPipe, lines: [String]) {
        self.init(index: index, stepID: stepID, stream: stream, chunk: UnsafeRawBufferPointer(start: nil, count: 0))
        for line in lines {
            var line = line
            line.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Lines to be taken from `chunk` (copied once, whole) by `appendVerbatim`, or copied by `append`.
    package init(index: Int, stepID: StepID, stream: OutputPipe, chunk: UnsafeRawBufferPointer, expectedLines: Int = 0) {
        self.index = index
        self.stepID = stepID
        self.stream = stream
        bytes = Array(chunk)
        ranges = []
        ranges.reserveCapacity(expectedLines)
    }

    /// Adds the line at `range` of the chunk given to `init`.
    package mutating func appendVerbatim(_ range: Range<Int>) {
        ranges.append(range)
    }

    /// Adds one line's bytes (copied).
    package mutating func append(_ line: UnsafeRawBufferPointer) {
        let start = bytes.count
        bytes.append(contentsOf: line)
        ranges.append(start..<bytes.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ranges.count }

    /// Line `position`, decoded (invalid UTF-8 repaired).
    public subscript(position: Int) -> String {
        bytes[ranges[position]].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    public static func == (lhs: OutputLines, rhs: OutputLines) -> Bool {
        lhs.index == rhs.index && lhs.stepID == rhs.stepID && lhs.stream == rhs.stream && lhs.elementsEqual(rhs)
    }

    /// Each line as an `.output` event, for observers that take lines one at a time.
    public var events: [RunEvent] {
        map { .output(index: index, stepID: stepID, stream: stream, line: $0) }
    }
}
