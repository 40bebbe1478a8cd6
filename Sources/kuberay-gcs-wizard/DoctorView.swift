import Diagnosis
import RunViews

/// Prints doctor's checks: text as each is decided, the JSON document at the end, or JSON lines as they come.
struct DoctorView: Sendable {
    enum Format: Sendable { case text, json, jsonLines }
    var format: Format

    func show(_ check: Check) {
        switch format {
        case .text:
            for line in DoctorReport.lines(check) { Console.out(line) }
        case .jsonLines:
            if let line = JSONLine.encode(event: "check", check) { Console.out(line) }
        case .json:
            break
        }
    }

    func finish(_ checks: [Check]) {
        switch format {
        case .text:
            Console.out("")
            Console.out(DoctorReport.summary(checks))
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
        var broken: [String]
    }
}
