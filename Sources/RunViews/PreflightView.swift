import Diagnosis

/// Prints preflight's checks: text as each is decided (mark, title, evidence and fix), or one JSON line per check.
public struct PreflightView: Sendable {
    public enum Format: Sendable { case text, jsonLines }
    public var format: Format
    private let writeLine: @Sendable (String) -> Void

    public init(format: Format, write: @escaping @Sendable (String) -> Void = Console.out) {
        self.format = format
        writeLine = write
    }

    /// The heading before the first check (text only).
    public func start() {
        if format == .text { writeLine("Preflight (read-only: nothing is created until it passes):") }
    }

    /// Shows a check as soon as it is decided.
    public func show(_ check: Check) {
        switch format {
        case .text:
            for line in DoctorReport.lines(check) { writeLine("  " + line) }
        case .jsonLines:
            if let line = JSONLine.encode(event: "preflight-check", check) { writeLine(line) }
        }
    }

    /// What to do after a check that stops the run.
    public static let fixAdvice = "Fix the answers (each check's fix is above), then run again."
    /// Why some checks are only warnings before the run enables the APIs they read.
    static let apisAdvice = "Some APIs are not enabled yet, so their checks are warnings: the run enables them and checks again "
        + "before it creates anything."

    /// Closes the checklist: the summary line and what to do next, or the `preflight-finished` line (what the runner's
    /// gate also emits); `waitsForAPIs`: some reads waited for APIs a run enables.
    public func finish(_ checks: [Check], waitsForAPIs: Bool = false) {
        switch format {
        case .text:
            writeLine(Preflight.summary(checks))
            if Preflight.stops(checks) {
                writeLine(Self.fixAdvice)
            } else if waitsForAPIs {
                writeLine(Self.apisAdvice)
            }
        case .jsonLines:
            let finished = Finished(passed: !Preflight.stops(checks), summary: Preflight.summary(checks),
                                    broken: checks.filter { $0.status == .broken }.map(\.id),
                                    warnings: checks.filter { $0.status == .warning }.map(\.id))
            if let line = JSONLine.encode(event: "preflight-finished", finished) { writeLine(line) }
        }
    }

    private struct Finished: Encodable {
        var passed: Bool
        var summary: String
        var broken: [CheckID]
        var warnings: [CheckID]
    }
}
