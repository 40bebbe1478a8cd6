import Diagnosis

/// Prints doctor's checks: text as each is decided, or the JSON document at the end.
struct DoctorView: Sendable {
    enum Format: Sendable { case text, json }
    var format: Format

    func show(_ check: Check) {
        guard format == .text else { return }
        for line in DoctorReport.lines(check) { Console.out(line) }
    }

    func finish(_ checks: [Check]) {
        switch format {
        case .text:
            Console.out("")
            Console.out(DoctorReport.summary(checks))
        case .json:
            Console.out(DoctorReport.json(checks))
        }
    }
}
