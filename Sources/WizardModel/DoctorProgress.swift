import Diagnosis

/// doctor's checklist on screen: the checks decided so far, wrapped into styled rows for the pane, and its scroll.
public struct DoctorProgress: Equatable, Sendable {
    /// What a row of the checklist is, for its style.
    public enum RowKind: Equatable, Sendable {
        case check(CheckStatus)
        case detail
        case fix
    }

    /// One wrapped row.
    public struct Row: Equatable, Sendable {
        public var text: String
        public var kind: RowKind
    }

    public private(set) var checks: [Check] = []
    public private(set) var finished = false
    /// The checks wrapped at `width`.
    public private(set) var rows: [Row] = []
    public private(set) var width = 76
    /// Index into `rows` of the top row shown.
    public private(set) var offset = 0
    /// The pane height the offset was last kept valid for.
    public private(set) var paneRows = 17
    /// Follow new checks to the bottom until the person scrolls up.
    public private(set) var following = true
    let asciiOnly: Bool

    public init(asciiOnly: Bool, pane: (rows: Int, columns: Int)) {
        self.asciiOnly = asciiOnly
        width = pane.columns
        paneRows = pane.rows
    }

    /// Healthy when finished without a broken link.
    public var healthy: Bool { finished && Doctor.healthy(checks) }

    /// The closing line once finished.
    public var summary: String? { finished ? DoctorReport.summary(checks) : nil }

    mutating func append(_ check: Check) {
        checks.append(check)
        rows += Self.rows(check, width: width, asciiOnly: asciiOnly)
        if following { offset = maxOffset }
    }

    mutating func finish(_ all: [Check]) {
        finished = true
        if all != checks {
            checks = all
            rewrap()
        }
    }

    mutating func fit(_ pane: (rows: Int, columns: Int)) {
        paneRows = pane.rows
        if pane.columns != width {
            width = pane.columns
            rewrap()
        }
        offset = following ? maxOffset : min(offset, maxOffset)
    }

    mutating func scroll(by delta: Int) {
        offset = min(max(0, offset + delta), maxOffset)
        following = offset == maxOffset
    }

    mutating func scrollToTop() { scroll(by: -offset) }
    mutating func scrollToBottom() { scroll(by: maxOffset - offset) }

    private var maxOffset: Int { max(0, rows.count - max(1, paneRows)) }

    private mutating func rewrap() {
        rows = checks.flatMap { Self.rows($0, width: width, asciiOnly: asciiOnly) }
        offset = following ? maxOffset : min(offset, maxOffset)
    }

    /// A check's report lines wrapped at `width`, each row styled by the line it comes from.
    static func rows(_ check: Check, width: Int, asciiOnly: Bool) -> [Row] {
        DoctorReport.lines(check, ascii: asciiOnly).enumerated().flatMap { index, line -> [Row] in
            let trimmed = line.drop { $0 == " " }
            let kind: RowKind = index == 0 ? .check(check.status)
                : (trimmed.hasPrefix("fix:") || trimmed.hasPrefix("then:") ? .fix : .detail)
            return TextWrap.wrap(line, width: width, continuation: index == 0 ? "  " : "      ").map { Row(text: $0, kind: kind) }
        }
    }
}
