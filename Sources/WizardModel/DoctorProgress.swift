import Diagnosis

/// doctor's checklist on screen: the checks decided so far, wrapped into styled rows for the pane, and its scroll.
public struct DoctorProgress: Equatable, Sendable {
    /// What a row of the checklist is, for its style.
    public enum RowKind: Equatable, Sendable {
        /// A check's title: its first row takes the status mark, the rest line up after it.
        case check(CheckStatus, first: Bool)
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
    /// Columns left of a title for its mark ("✓ ", or "[x] " in ASCII).
    static let markColumns = 4

    public init(pane: (rows: Int, columns: Int)) {
        width = pane.columns
        paneRows = pane.rows
    }

    /// Healthy when finished without a broken link.
    public var healthy: Bool { finished && Doctor.healthy(checks) }

    /// The closing line once finished.
    public var summary: String? { finished ? Doctor.summary(checks) : nil }

    public mutating func append(_ check: Check) {
        checks.append(check)
        rows += Self.rows(check, width: width)
        if following { offset = maxOffset }
    }

    /// The end: every check as finally decided; unless the person scrolled, the first broken link goes to the top.
    public mutating func finish(_ all: [Check]) {
        finished = true
        if all != checks {
            checks = all
            rewrap()
        }
        if following, let first = rows.firstIndex(where: { $0.kind == .check(.broken, first: true) }) {
            offset = min(first, maxOffset)
            following = false
        }
    }

    public mutating func fit(_ pane: (rows: Int, columns: Int)) {
        paneRows = pane.rows
        if pane.columns != width {
            width = pane.columns
            rewrap()
        }
        offset = following ? maxOffset : min(offset, maxOffset)
    }

    /// Moves by `delta` rows within a pane of `rows` rows; at the bottom it follows new checks again.
    public mutating func scroll(by delta: Int, rows: Int) {
        paneRows = rows
        offset = min(max(0, offset + delta), maxOffset)
        following = offset == maxOffset
    }

    public mutating func scrollToTop() { scroll(by: -offset, rows: paneRows) }
    public mutating func scrollToBottom(rows: Int) { scroll(by: maxOffset - offset, rows: rows) }

    private var maxOffset: Int { max(0, rows.count - max(1, paneRows)) }

    private mutating func rewrap() {
        rows = checks.flatMap { Self.rows($0, width: width) }
        offset = following ? maxOffset : min(offset, maxOffset)
    }

    /// A check's title and details wrapped at `width`, each row styled by the line it comes from.
    static func rows(_ check: Check, width: Int) -> [Row] {
        let title = TextWrap.wrap(check.title, width: max(1, width - markColumns), continuation: "").enumerated().map {
            Row(text: $0.element, kind: .check(check.status, first: $0.offset == 0))
        }
        return title + check.details.flatMap { line -> [Row] in
            let trimmed = line.drop { $0 == " " }
            let kind: RowKind = trimmed.hasPrefix("fix:") || trimmed.hasPrefix("then:") ? .fix : .detail
            return TextWrap.wrap(line, width: width, continuation: "      ").map { Row(text: $0, kind: kind) }
        }
    }
}
