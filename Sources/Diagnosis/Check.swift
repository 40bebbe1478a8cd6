import SetupPlan

/// One link of the chain as doctor decided it.
public struct Check: Equatable, Sendable, Codable {
    public var id: CheckID
    public var title: String
    public var status: CheckStatus
    /// What doctor read that decided it, one fact a line.
    public var evidence: [String]
    /// The commands that fix it, in order (argv, never through a shell); empty when none can.
    public var fix: [[String]]
    /// What to do when no command can fix it, or what a fix leaves to the person (one thing a line).
    public var advice: String?
    /// For an in-pod check that failed: the earlier broken link that explains it.
    public var cause: String?

    public init(id: CheckID, title: String, status: CheckStatus, evidence: [String] = [], fix: [[String]] = [],
                advice: String? = nil, cause: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.evidence = evidence
        self.fix = fix
        self.advice = advice
        self.cause = cause
    }
}

extension Check {
    /// What follows the title, indented, wherever a check is shown: evidence, cause, advice and the fix commands
    /// (shell-quoted for copying).
    public var details: [String] {
        var lines = evidence.map { "    \($0)" }
        if let cause { lines.append("    explained by: \(cause)") }
        if let advice { lines += advice.split(separator: "\n").map { "    \($0)" } }
        for (index, argv) in fix.enumerated() {
            lines.append("    \(index == 0 ? "fix:" : "then:") \(ShellQuote.join(argv))")
        }
        return lines
    }
}

/// ✓ the link holds, ✗ it is broken, – it could not be checked (an earlier link it needs is broken, or not asked),
/// ! a warning: the fact could not be read, or it holds but not fully (preflight's checks).
public enum CheckStatus: String, Equatable, Sendable, Codable {
    case ok, broken, skipped, warning

    /// The mark shown before the title.
    public var mark: String {
        switch self {
        case .ok: return "✓"
        case .broken: return "✗"
        case .skipped: return "–"
        case .warning: return "!"
        }
    }

}
