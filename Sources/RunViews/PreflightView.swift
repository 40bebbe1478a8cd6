import Diagnosis
import RunModel

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

    /// Closes the checklist: the summary line and what to do next, or the `preflight-finished` line (the event the
    /// runner's gate also emits, the same body); `waitsForAPIs`: some reads waited for APIs a run enables.
    public func finish(_ verdict: GateVerdict, waitsForAPIs: Bool = false) {
        switch format {
        case .text:
            for line in Self.closingLines(verdict, waitsForAPIs: waitsForAPIs) { writeLine(line) }
        case .jsonLines:
            if let line = JSONLine.encode(event: "preflight-finished", verdict) { writeLine(line) }
        }
    }

    /// The text after the last check: the summary, then the fix advice after a stop, or why warnings are read again.
    public static func closingLines(_ verdict: GateVerdict, waitsForAPIs: Bool) -> [String] {
        if !verdict.passed { return [verdict.summary, fixAdvice] }
        return [verdict.summary] + (waitsForAPIs ? [apisAdvice] : [])
    }
}
