import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a bucket holds, read with `gcloud storage ls --long --recursive` before the bucket is deleted.
enum BucketUsage {
    /// "N objects, S bytes (...)" from the listing's TOTAL line, "no objects" when nothing matched, or why it is unknown.
    static func read(_ argv: [String]) async -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do { try startUnblocked(process) } catch { return "an unknown number of objects (\(argv.first ?? "") did not start)" }
        // Both pipes are read to EOF before waiting, so neither can fill up and stall the listing.
        let errors = Task.detached { stderr.fileHandleForReading.readDataToEndOfFile() }
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: await errors.value, as: UTF8.self)
        process.waitUntilExit()
        return summary(stdout: out, stderr: err, status: process.terminationStatus)
    }

    /// Starts `process` with no signal blocked. A child inherits the signal mask of the thread that starts it, which
    /// Foundation's Process keeps; Swift's concurrency threads, where the listing starts, block SIGTERM and SIGINT, so
    /// Ctrl-C at the destroy's confirmation would end the wizard and leave the listing running, deaf to a kill too.
    private static func startUnblocked(_ process: Process) throws {
        var none = sigset_t(), old = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try process.run()
    }

    static func summary(stdout: String, stderr: String, status: Int32) -> String {
        if let total = stdout.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("TOTAL: ") }) {
            return String(total.dropFirst("TOTAL: ".count))
        }
        if stderr.contains("matched no objects") { return "no objects" }
        let reason = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit \(status)"
        return "an unknown number of objects (the listing failed: \(reason))"
    }
}
