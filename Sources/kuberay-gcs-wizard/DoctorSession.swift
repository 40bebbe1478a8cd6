import SetupPlan
import RunViews
import RunModel
import Diagnosis
import SetupRunner

/// Runs doctor's reads (a few at a time, through the engine's process code) and hands over each check as soon as
/// it and every link before it are decided.
enum DoctorSession {
    /// gcloud is a Python program that takes about a second of CPU to start: more at once only queue on two cores.
    static let parallelReads = 4

    /// Runs `doctor`'s reads with `environment` over the inherited variables, showing each check as it is decided.
    static func run(_ doctor: Doctor, environment: [String: String] = [:], show: @escaping @Sendable (Check) -> Void) async -> [Check] {
        var results: [String: ReadResult] = [:]
        var shown = 0
        func showNew() {
            let checks = doctor.checks(results)
            for check in checks.dropFirst(shown) { show(check) }
            shown = max(shown, checks.count)
        }
        while true {
            let reads = doctor.reads(after: results)
            if reads.isEmpty { break }
            await withTaskGroup(of: (String, ReadResult).self) { group in
                var pending = reads[...]
                func startNext() {
                    guard let read = pending.popFirst() else { return }
                    group.addTask {
                        var output = await QuickCommand.read(read.argv, environment: environment, timeoutSeconds: Double(read.timeoutSeconds))
                        for _ in 1..<max(1, read.attempts) where output.exitCode != 0 {
                            try? await Task.sleep(for: .seconds(1))
                            output = await QuickCommand.read(read.argv, environment: environment, timeoutSeconds: Double(read.timeoutSeconds))
                        }
                        return (read.id, ReadResult(exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr))
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
        return doctor.checks(results)
    }
}
