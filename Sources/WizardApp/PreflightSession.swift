import Diagnosis
import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner

/// Runs preflight's reads and turns the checks into the run's gate: before `Proceed?`, at the gate after the APIs are
/// enabled when something could not be read before, and alone (`preflight`).
public enum PreflightSession {
    /// The checks, and whether some read waits for an API the run enables (so the gate reads again).
    public struct Outcome: Sendable {
        public var checks: [Check]
        public var waitsForAPIs: Bool

        public var stops: Bool { Preflight.stops(checks) }
        public var verdict: GateVerdict { GateVerdict(passed: !stops, summary: Preflight.summary(checks)) }
    }

    /// Runs every check for `answers`, showing each as it is decided.
    public static func check(_ answers: Answers, environment: [String: String] = [:],
                             show: @escaping @Sendable (Check) -> Void) async -> Outcome {
        let preflight = Preflight(answers: answers)
        let results = await DoctorSession.results(preflight, environment: environment, show: show)
        return Outcome(checks: preflight.checks(results), waitsForAPIs: Preflight.waitsForAPIs(results))
    }

    /// The gate for a run whose checks `earlier` decided before it started (nil: none ran): the same verdict when
    /// every read answered, else the checks again once the APIs are on, shown by `view`. `skip`: `--skip-preflight`.
    public static func gate(_ answers: Answers, earlier: Outcome?, skip: Bool, environment: [String: String] = [:],
                            view: PreflightView?) -> RunGate {
        if skip { return .skipped }
        if let earlier, !earlier.waitsForAPIs { return .decided(earlier.verdict) }
        return .check {
            view?.start()
            // The closing line is the gate's event, which the run's view shows.
            return await check(answers, environment: environment) { view?.show($0) }.verdict
        }
    }

    /// `preflight`: the checks alone for the answers `source` gives (else the workspace's). Returns 0 when nothing
    /// stops a run (warnings allowed), 1 when a check does.
    public static func command(_ source: AnswersSource, workspace: String?, output: OutputFormat) async throws -> Int32 {
        let answers = try source.orWorkspace(workspace).load()
        let view = PreflightView(output)
        view.start()
        let outcome = await check(answers) { view.show($0) }
        view.finish(outcome.checks, waitsForAPIs: outcome.waitsForAPIs)
        return outcome.stops ? 1 : 0
    }
}
