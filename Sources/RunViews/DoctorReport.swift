import Diagnosis
import Foundation

/// doctor's output for people (one line a link, its evidence and fix indented) and for programs (JSON).
public enum DoctorReport {
    /// The lines of one check: mark and title, then its details.
    public static func lines(_ check: Check) -> [String] {
        ["\(check.status.mark) \(check.title)"] + check.details
    }

    struct Document: Encodable {
        var healthy: Bool
        var checks: [Check]
    }

    /// `{"healthy": bool, "checks": [{id, title, status, evidence, fix, advice?, cause?}]}`, keys sorted.
    public static func json(_ checks: [Check]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Document(healthy: Doctor.healthy(checks), checks: checks)),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}
