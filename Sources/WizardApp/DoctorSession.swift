import Diagnosis
import SetupRunner

/// Runs a diagnosis's reads (doctor's or preflight's), a few at a time, and hands over each check as soon as it and
/// every check before it are decided: the one way the wizard, the commands and the tests run a diagnosis.
public enum DoctorSession {
    /// gcloud is a Python program that takes about a second of CPU to start: more at once only queue on two cores.
    public static let parallelReads = 4

    /// Runs `doctor`'s reads as processes (through the engine's process code) with `environment` over the inherited
    /// variables, showing each check as it is decided.
    public static func run(_ doctor: some Diagnostic, environment: [String: String] = [:],
                           show: @escaping @Sendable (Check) -> Void) async -> [Check] {
        doctor.checks(await results(doctor, environment: environment, show: show))
    }

    /// Runs the reads as processes, showing each check as it is decided; returns every read's result.
    public static func results(_ doctor: some Diagnostic, environment: [String: String] = [:],
                               show: @escaping @Sendable (Check) -> Void) async -> [String: ReadResult] {
        await results(doctor, read: processRead(environment: environment), retryDelay: processRetryDelay, show: show)
    }

    /// A read as a process (through the engine's process code), with `environment` over the inherited variables.
    static func processRead(environment: [String: String]) -> @Sendable (DoctorRead) async -> ReadResult {
        { read in
            let output = await QuickCommand.read(read.argv, environment: environment, timeoutSeconds: Double(read.timeoutSeconds))
            return ReadResult(exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr)
        }
    }

    /// The pause before a process read that failed is tried again (for reads that have more than one attempt).
    static let processRetryDelay = Duration.seconds(1)

    /// Runs `doctor`'s reads with `read` (each read up to its `attempts` while it fails, `retryDelay` apart), showing
    /// each check as it is decided; returns every check as decided at the end.
    public static func run(_ doctor: some Diagnostic, read: @escaping @Sendable (DoctorRead) async -> ReadResult,
                           retryDelay: Duration = .zero, show: @escaping @Sendable (Check) -> Void) async -> [Check] {
        doctor.checks(await results(doctor, read: read, retryDelay: retryDelay, show: show))
    }

    /// Runs the reads with `read`, showing each check as it is decided; returns every read's result. `known`: results
    /// already in (those reads are not sent again), so the checks they decide show at once. A cancelled task sends
    /// no more reads and is not retried.
    public static func results(_ doctor: some Diagnostic, known: [String: ReadResult] = [:],
                               read: @escaping @Sendable (DoctorRead) async -> ReadResult,
                               retryDelay: Duration = .zero, show: @escaping @Sendable (Check) -> Void) async -> [String: ReadResult] {
        var results = known
        var shown = 0
        func showNew() {
            let checks = doctor.checks(results)
            for check in checks.dropFirst(shown) { show(check) }
            shown = max(shown, checks.count)
        }
        if !known.isEmpty { showNew() }
        while !Task.isCancelled {
            let reads = doctor.reads(after: results)
            if reads.isEmpty { break }
            await withTaskGroup(of: (String, ReadResult).self) { group in
                var pending = reads[...]
                func startNext() {
                    guard !Task.isCancelled, let next = pending.popFirst() else { return }
                    group.addTask {
                        var result = await read(next)
                        for _ in 1..<max(1, next.attempts) where !result.succeeded && !Task.isCancelled {
                            try? await Task.sleep(for: retryDelay)
                            result = await read(next)
                        }
                        return (next.id, result)
                    }
                }
                for _ in 0..<Self.parallelReads { startNext() }
                while let (id, result) = await group.next() {
                    results[id] = result
                    showNew()
                    startNext()
                }
            }
        }
        showNew()
        return results
    }
}
