import Foundation
import SetupPlan
import RunModel

/// The run as JSON Lines for CI logs: one JSON object per event, on its own line, written as it happens.
///
/// Each line is a `JSONLine` (`event`, `time`); step events have `step` (the id), `index` (1-based)
/// and `title`. Events: `run-started`, `step-started`, `step-note`, `step-waiting`, `output`, `step-finished`,
/// `step-failed` (with `exitCode`, `hint`, `stderrTail`, `log` and `resume`), `preflight-check` (one per check, from
/// `PreflightView`), `preflight-finished` (a `GateVerdict`: `passed`, `summary`, `broken`, `warnings`; the same body
/// whether `PreflightView` closes the checks before the run or the gate decides), `run-finished` (with `result` and,
/// unless it succeeded, `resume`).
public struct JSONRunView: RunObserver {
    private let steps: [Step]
    private let workspace: URL
    private let resumeCommand: String
    private let writeLine: @Sendable (String) -> Void

    /// Writes the events of `plan` run in `workspace` as lines to `write` (stdout by default).
    public init(plan: Plan, workspace: URL, write: @escaping @Sendable (String) -> Void = Console.out) {
        steps = plan.steps
        self.workspace = workspace
        resumeCommand = WorkspaceFiles.resumeCommand(workspace: workspace.path)
        writeLine = write
    }

    public func handle(_ event: RunEvent) async {
        switch event {
        case .runStarted(let count, let statuses):
            let earlier = statuses.enumerated().filter { $0.element != .pending }.map { index, status in
                EarlierStep(step: id(index), status: status.rawValue)
            }
            emit("run-started", RunStarted(steps: count, workspace: workspace.path, earlier: earlier))
        case .stepStarted(let index, _):
            emit("step-started", header(index))
        case .stepNote(let index, _, let note):
            emit("step-note", header(index, StepNote(note: note)))
        case .stepWaiting(let index, _, let wait):
            emit("step-waiting", header(index, StepWaiting(waitingFor: wait.what, seconds: wait.elapsedSeconds,
                                                           deadlineSeconds: wait.deadlineSeconds, retryInSeconds: wait.retryInSeconds,
                                                           attempt: wait.attempt, reason: wait.reason)))
        case .output(let index, _, let stream, let line):
            emit("output", header(index, Output(stream: stream.rawValue, line: line)))
        case .stepFinished(let outcome):
            if outcome.status == .failed {
                emit("step-failed", header(outcome.index, StepFailed(exitCode: outcome.exitCode, seconds: outcome.seconds,
                                                                     hint: outcome.hint, stderrTail: outcome.stderrTail,
                                                                     log: workspace.appendingPathComponent(outcome.logPath).path,
                                                                     resume: resumeCommand)))
            } else {
                emit("step-finished", header(outcome.index, StepFinished(status: outcome.status.rawValue, seconds: outcome.seconds,
                                                                         result: outcome.result)))
            }
        case .gateFinished(let verdict):
            emit("preflight-finished", verdict)
        case .runFinished(let result, let seconds):
            emit("run-finished", RunFinished(result: result.rawValue, seconds: seconds, resume: result == .succeeded ? nil : resumeCommand))
        }
    }

    public func handle(output lines: OutputLines) async {
        for line in lines { emit("output", header(lines.index, Output(stream: lines.stream.rawValue, line: line))) }
    }

    private func id(_ index: Int) -> String { steps.indices.contains(index) ? steps[index].id.rawValue : "step-\(index + 1)" }

    private func header(_ index: Int) -> StepHeader {
        StepHeader(step: id(index), index: index + 1, title: steps.indices.contains(index) ? steps[index].title : "")
    }

    /// `body`'s keys beside the step's `step`, `index` and `title`.
    private func header<Body: Encodable>(_ index: Int, _ body: Body) -> Headed<Body> { Headed(header: header(index), body: body) }

    private func emit(_ event: String, _ body: some Encodable) {
        if let line = JSONLine.encode(event: event, body) { writeLine(line) }
    }
}

private struct StepHeader: Encodable {
    var step: String
    var index: Int
    var title: String
}

/// A step event: the step's keys, then the event's own in the same object.
private struct Headed<Body: Encodable>: Encodable {
    var header: StepHeader
    var body: Body

    func encode(to encoder: any Encoder) throws {
        try header.encode(to: encoder)
        try body.encode(to: encoder)
    }
}

private struct EarlierStep: Encodable {
    var step: String
    var status: String
}

private struct RunStarted: Encodable {
    var steps: Int
    var workspace: String
    /// Steps an earlier run of this workspace finished, skipped or left (resume).
    var earlier: [EarlierStep]
}

private struct StepNote: Encodable {
    var note: String
}

private struct StepWaiting: Encodable {
    var waitingFor: String
    var seconds: Double
    var deadlineSeconds: Double?
    var retryInSeconds: Double
    var attempt: Int
    var reason: String
}

private struct Output: Encodable {
    var stream: String
    var line: String
}

private struct StepFinished: Encodable {
    var status: String
    var seconds: Double
    /// What the step printed, trimmed (the verify steps' read-back text).
    var result: String?
}

private struct StepFailed: Encodable {
    var exitCode: Int32?
    var seconds: Double
    var hint: Hint?
    var stderrTail: [String]
    var log: String
    var resume: String

    enum Keys: String, CodingKey { case exitCode, seconds, hint, stderrTail, log, resume }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        // null, not a missing key: a step stopped by its timeout or a signal has no exit status.
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(hint, forKey: .hint)
        try container.encode(stderrTail, forKey: .stderrTail)
        try container.encode(log, forKey: .log)
        try container.encode(resume, forKey: .resume)
    }
}

private struct RunFinished: Encodable {
    var result: String
    var seconds: Double
    var resume: String?
}
