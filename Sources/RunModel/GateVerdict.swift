/// What preflight decided at the gate before the first step that creates anything.
public struct GateVerdict: Equatable, Sendable, Codable {
    /// Whether the run goes on.
    public var passed: Bool
    /// The closing line: passed (with its warnings), or the first check that stops the run.
    public var summary: String

    public init(passed: Bool, summary: String) {
        self.passed = passed
        self.summary = summary
    }
}

/// How preflight went for a run, as the journal records it.
public enum PreflightRecord: String, Equatable, Sendable, Codable {
    /// Its checks held (warnings allowed).
    case passed
    /// A check stopped the run before anything was created.
    case stopped
    /// `--skip-preflight`: the run went on without it.
    case skipped
}
