import SetupPlan

/// The last lines of the running step's output, bounded so a step printing 100,000 lines costs no memory.
public struct OutputTail: Equatable, Sendable {
    /// Lines kept.
    public let capacity: Int
    /// Which step the lines belong to.
    public private(set) var stepID: StepID?
    // Holds up to 2 x capacity lines and drops the oldest half at once: appending stays O(1) amortised.
    private var storage: [String] = []
    /// Lines received in total for this step, including dropped ones.
    public private(set) var total = 0

    /// An empty tail keeping `capacity` lines.
    public init(capacity: Int = 500) {
        self.capacity = max(1, capacity)
    }

    /// The kept lines, oldest first.
    public var lines: ArraySlice<String> { storage.suffix(capacity) }

    /// Starts over for another step.
    public mutating func reset(stepID: StepID?) {
        self.stepID = stepID
        storage.removeAll(keepingCapacity: true)
        total = 0
    }

    /// Adds a line, cleaned of terminal control sequences.
    public mutating func append(_ line: String) {
        storage.append(Self.sanitize(line))
        total += 1
        if storage.count >= 2 * capacity {
            storage.removeFirst(storage.count - capacity)
        }
    }

    /// Adds a read's lines; only the last `capacity` of them are decoded and kept.
    public mutating func append(contentsOf lines: some Collection<String>) {
        let kept = lines.suffix(capacity)
        total += lines.count - kept.count
        for line in kept { append(line) }
    }

    public static func == (lhs: OutputTail, rhs: OutputTail) -> Bool {
        lhs.capacity == rhs.capacity && lhs.stepID == rhs.stepID && lhs.total == rhs.total && lhs.lines.elementsEqual(rhs.lines)
    }

    /// Output as a terminal cell can show it: colour and cursor escapes removed, tabs expanded, a carriage
    /// return (progress bars) keeps what follows it, other control characters dropped.
    public static func sanitize(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) }) else {
            return line
        }
        var out = String.UnicodeScalarView()
        var scalars = line.unicodeScalars.makeIterator()
        while let s = scalars.next() {
            switch s.value {
            case 0x1B:
                skipEscape(&scalars)
            case 0x09:
                let column = out.count
                out.append(contentsOf: String(repeating: " ", count: 8 - column % 8).unicodeScalars)
            case 0x0D:
                out.removeAll()
            case 0..<0x20, 0x7F, 0x80..<0xA0:
                continue
            default:
                out.append(s)
            }
        }
        return String(out)
    }

    /// Skips the rest of an escape sequence: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL or ESC \`), or one character.
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let kind = scalars.next() else { return }
        switch kind {
        case "[":
            while let s = scalars.next(), !(0x40...0x7E).contains(s.value) {}
        case "]":
            while let s = scalars.next() {
                if s.value == 0x07 { return }
                if s.value == 0x1B { _ = scalars.next(); return }
            }
        default:
            return
        }
    }
}
