/// A read-only diagnosis in doctor's shape: the reads to run for what is known so far, and the checks their results
/// decide. Pure: the caller runs the reads (`DoctorSession.run`).
public protocol Diagnostic: Sendable {
    /// The reads not yet in `results` that can be sent now; empty when done.
    func reads(after results: [String: ReadResult]) -> [DoctorRead]
    /// Every check decided from `results`, in order, up to the first one whose reads are not all in.
    func checks(_ results: [String: ReadResult]) -> [Check]
}

extension Doctor: Diagnostic {}
