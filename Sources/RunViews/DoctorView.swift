import Diagnosis

/// Prints doctor's checks: text as each is decided, the JSON document at the end, or JSON lines as they come.
public struct DoctorView: Sendable {
    public enum Format: Sendable { case text, json, jsonLines }
    public var format: Format

    public init(format: Format) { self.format = format }

    /// Shows a check as soon as it is decided (text and JSON lines).
    public func show(_ check: Check) {
        switch format {
        case .text:
            for line in DoctorReport.lines(check) { Console.out(line) }
        case .jsonLines:
            if let line = JSONLine.encode(event: "check", check) { Console.out(line) }
        case .json:
            break
        }
    }

    /// Closes the report: the summary line, the whole JSON document, or the `doctor-finished` line.
    public func finish(_ checks: [Check]) {
        switch format {
        case .text:
            Console.out("")
            Console.out(Doctor.summary(checks))
        case .json:
            Console.out(DoctorReport.json(checks))
        case .jsonLines:
            let finished = Finished(healthy: Doctor.healthy(checks), broken: checks.filter { $0.status == .broken }.map(\.id))
            if let line = JSONLine.encode(event: "doctor-finished", finished) { Console.out(line) }
        }
    }

    private struct Finished: Encodable {
        var healthy: Bool
        /// The ids of the broken checks, in order.
        var broken: [CheckID]
    }
}
