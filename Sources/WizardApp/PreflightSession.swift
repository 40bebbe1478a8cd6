import Diagnosis
import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner

/// Runs preflight's reads and turns the checks into the run's gate: before `Proceed?`, at the gate after the APIs are
/// enabled when something could not be read before, and alone (`preflight`).
public enum PreflightSession {
    /// The checks, and every read's result they were decided from.
    public struct Outcome: Sendable {
        public var checks: [Check]
        public var results: [String: ReadResult]

        /// Whether some read waited for an API the run enables (so the gate reads those again).
        public var waitsForAPIs: Bool { Preflight.waitsForAPIs(results) }
        public var stops: Bool { Preflight.stops(checks) }
        public var verdict: GateVerdict { PreflightSession.verdict(checks) }
    }

    /// What `checks` decide: the gate's verdict and the body of the `preflight-finished` event.
    public static func verdict(_ checks: [Check]) -> GateVerdict {
        GateVerdict(passed: !Preflight.stops(checks), summary: Preflight.summary(checks),
                    broken: checks.filter { $0.status == .broken }.map(\.id.rawValue),
                    warnings: checks.filter { $0.status == .warning }.map(\.id.rawValue))
    }

    /// Runs every check for `answers`, showing each as it is decided.
    public static func check(_ answers: Answers, environment: [String: String] = [:],
                             show: @escaping @Sendable (Check) -> Void) async -> Outcome {
        await check(answers, read: DoctorSession.processRead(environment: environment), retryDelay: DoctorSession.processRetryDelay,
                    show: show)
    }

    /// Runs the checks for `answers` with `read`, sending only the reads `known` has no result for; shows every check
    /// as it is decided from the two together.
    static func check(_ answers: Answers, known: [String: ReadResult] = [:], read: @escaping @Sendable (DoctorRead) async -> ReadResult,
                      retryDelay: Duration = .zero, show: @escaping @Sendable (Check) -> Void) async -> Outcome {
        let preflight = Preflight(answers: answers)
        let results = await DoctorSession.results(preflight, known: known, read: read, retryDelay: retryDelay, show: show)
        return Outcome(checks: preflight.checks(results), results: results)
    }

    /// The gate for a run whose checks `earlier` decided before it started: the same verdict when every read
    /// answered, else, once the APIs are on, the reads that did not answer again and every check decided anew from
    /// those and the ones that did, shown by `view`. With no checks yet (nil) the reads start at once, while the run's
    /// first checks go, and their checks show before the API enablement when they stop the run or read everything,
    /// else at the gate after it. `skip`: `--skip-preflight`.
    public static func gate(_ answers: Answers, earlier: Outcome?, skip: Bool, environment: [String: String] = [:],
                            view: PreflightView?) -> RunGate {
        gate(answers, earlier: earlier, skip: skip, view: view, read: DoctorSession.processRead(environment: environment),
             retryDelay: DoctorSession.processRetryDelay)
    }

    /// The gate, its reads sent with `read`.
    static func gate(_ answers: Answers, earlier: Outcome?, skip: Bool, view: PreflightView?,
                     read: @escaping @Sendable (DoctorRead) async -> ReadResult, retryDelay: Duration = .zero) -> RunGate {
        if skip { return .skipped }
        guard let earlier else {
            let reads = Task { await check(answers, read: read, retryDelay: retryDelay) { _ in } }
            let beforeAPIs: @Sendable () async -> GateVerdict? = {
                let first = await reads.value
                // A ✗ stands whatever the APIs would let be read; else what waits for them is decided at the gate.
                guard first.stops || !first.waitsForAPIs else { return nil }
                return await verdict(answers, from: first, view: view, read: read, retryDelay: retryDelay)
            }
            return .check(beforeAPIs: beforeAPIs, abandon: { reads.cancel() }) {
                await verdict(answers, from: await reads.value, view: view, read: read, retryDelay: retryDelay)
            }
        }
        if !earlier.waitsForAPIs { return .decided(earlier.verdict) }
        return .check { await verdict(answers, from: earlier, view: view, read: read, retryDelay: retryDelay) }
    }

    /// The gate's verdict from the checks `earlier` read: shown as they are when every read answered or they stop the
    /// run, else decided anew once the reads that did not answer are sent again (the APIs are on by the gate).
    private static func verdict(_ answers: Answers, from earlier: Outcome, view: PreflightView?,
                                read: @escaping @Sendable (DoctorRead) async -> ReadResult, retryDelay: Duration) async -> GateVerdict {
        view?.start()
        // The closing line is the gate's event, which the run's view shows.
        guard earlier.waitsForAPIs && !earlier.stops else {
            for check in earlier.checks { view?.show(check) }
            return earlier.verdict
        }
        return await check(answers, known: Preflight.answered(earlier.results), read: read, retryDelay: retryDelay) { view?.show($0) }.verdict
    }

    /// `preflight`: the checks alone for the answers `source` gives (else the workspace's). Returns 0 when nothing
    /// stops a run (warnings allowed), 1 when a check does.
    public static func command(_ source: AnswersSource, workspace: String?, output: OutputFormat) async throws -> Int32 {
        let answers = try source.orWorkspace(workspace).load()
        let view = PreflightView(output)
        view.start()
        let outcome = await check(answers) { view.show($0) }
        view.finish(outcome.verdict, waitsForAPIs: outcome.waitsForAPIs)
        return outcome.stops ? 1 : 0
    }
}
