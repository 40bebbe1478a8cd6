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

    /// Closes the checklist: the summary line, or the `preflight-finished` line (what the runner's gate also emits).
    public func finish(_ checks: [Check]) {
        switch format {
        case .text:
            writeLine(Preflight.summary(checks))
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
