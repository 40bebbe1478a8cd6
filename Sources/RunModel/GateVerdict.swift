/// What preflight decided: before the run, or at the gate before the first step that creates anything. The body of
/// the `preflight-finished` JSON event, whichever of the two decided it.
public struct GateVerdict: Equatable, Sendable, Codable {
    /// Whether the run goes on.
    public var passed: Bool
    /// The closing line: passed (with its warnings), or the first check that stops the run.
    public var summary: String
    /// The ids of the checks that stop the run, in checklist order.
    public var broken: [String]
    /// The ids of the checks that hold with a warning or could not be read.
    public var warnings: [String]

    public init(passed: Bool, summary: String, broken: [String] = [], warnings: [String] = []) {
        self.passed = passed
        self.summary = summary
        self.broken = broken
        self.warnings = warnings
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
