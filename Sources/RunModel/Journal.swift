import Foundation
import SetupPlan

/// The run journal, `WORKSPACE/state.json`: what each step did, captured values and how the run ended.
public struct Journal: Codable, Equatable, Sendable {
    /// The `formatVersion` this build writes.
    public static let currentFormatVersion = 2
    /// What this build reads: format 1 held SHA-256 digests of the answers and of each step's command where format 2
    /// holds the texts themselves; its digests are dropped on load (see `init(from:)`).
    public static let readableFormatVersions = 1...2
    /// Bump when the plan's steps change meaning, so an older journal is not resumed against a new plan shape.
    public static let currentPlanVersion = 1

    public var formatVersion: Int
    /// The plan version the steps ran under (format 1 journals: 1, the only one then).
    public var planVersion: Int
    /// The normalized answers the steps ran for: what identifies the run, and what a refused resume diffs against.
    public var normalizedAnswers: String
    public var createdAt: String
    public var updatedAt: String
    public var steps: [JournalStep]
    /// Values captured from step output, e.g. `PROJECT_NUMBER`.
    public var captures: [String: String]
    /// Nil while a run is in progress (or was killed).
    public var result: RunResult?
    /// How preflight went at the gate (`skipped` with `--skip-preflight`); nil before the gate, or for a plan without one.
    public var preflight: PreflightRecord?

    /// A journal with every step of `steps` pending; `files` gives what the workspace files they read hold.
    public init(normalizedAnswers: String, steps: [Step], files: (String) -> String? = { _ in nil }, now: Date = Date()) {
        formatVersion = Self.currentFormatVersion
        planVersion = Self.currentPlanVersion
        self.normalizedAnswers = normalizedAnswers
        createdAt = ISOTime.string(now)
        updatedAt = createdAt
        self.steps = steps.enumerated().map { index, step in
            JournalStep(id: step.id, title: step.title, status: .pending,
                        logPath: WorkspaceFiles.logPath(index: index, stepID: step.id), command: JournalStep.command(of: step, files: files))
        }
        captures = [:]
        result = nil
    }

    /// Whether the journal was written for these normalized answers under this build's plan version: the texts are
    /// compared as they are (they are a few dozen lines; no digest stands in for them).
    public func isFor(normalizedAnswers text: String) -> Bool {
        planVersion == Self.currentPlanVersion && normalizedAnswers == text
    }

    /// Whether a run in `mode` may start from this journal with these normalized answers: the same answers, a
    /// `replan`, or a fresh start in place of a run preflight stopped at its gate (nothing it creates was started).
    public func admits(normalizedAnswers text: String, mode: RunMode) -> Bool {
        isFor(normalizedAnswers: text) || mode == .replan || (mode == .fresh && preflight == .stopped)
    }

    /// The entry for step `id`, if the journal has one.
    public func step(_ id: StepID) -> JournalStep? { steps.first { $0.id == id } }

    enum CodingKeys: String, CodingKey {
        case formatVersion, planVersion, normalizedAnswers, createdAt, updatedAt, steps, captures, result, preflight
    }

    /// Reads either format: a format 1 journal's answers digest is not read (its normalized answers identify the run)
    /// and its steps' command digests are dropped, so a finished step that `--replan` keeps only while its command is
    /// unchanged counts as changed and runs again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        planVersion = try container.decodeIfPresent(Int.self, forKey: .planVersion) ?? 1
        normalizedAnswers = try container.decode(String.self, forKey: .normalizedAnswers)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        updatedAt = try container.decode(String.self, forKey: .updatedAt)
        // A step an older build had and this plan no longer has is left out: resume matches the others by id.
        steps = try container.decode([KnownStep].self, forKey: .steps).compactMap(\.step)
        captures = try container.decode([String: String].self, forKey: .captures)
        result = try container.decodeIfPresent(RunResult.self, forKey: .result)
        preflight = try container.decodeIfPresent(PreflightRecord.self, forKey: .preflight)
        if formatVersion == 1 {
            for index in steps.indices { steps[index].command = nil }
        }
        // Saved again, it is written in this build's format.
        formatVersion = Self.currentFormatVersion
    }

}

/// A journal entry whose id this build knows, or nil for one it does not (any other decoding error is thrown).
private struct KnownStep: Decodable {
    let step: JournalStep?

    private enum Keys: String, CodingKey { case id }

    init(from decoder: any Decoder) throws {
        let id = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .id)
        step = StepID(rawValue: id) == nil ? nil : try JournalStep(from: decoder)
    }
}

/// One step's record in the journal.
public struct JournalStep: Codable, Equatable, Sendable {
    public var id: StepID
    public var title: String
    public var status: StepStatus
    public var startedAt: String?
    public var finishedAt: String?
    public var seconds: Double?
    public var exitCode: Int32?
    /// Relative to the workspace.
    public var logPath: String
    public var hint: Hint?
    /// How many times the command ran in the last attempt of this step (retries included).
    public var attempts: Int?
    /// For a step `--replan` keeps while it is unchanged (see `isKeptWhileUnchanged`): its command, probe and the
    /// files it reads as they were when the journal was made, so a new bucket name does not count as granted, nor
    /// another Ray version as applied. Nil for the other steps, and for a format 1 journal's.
    public var command: String?

    public init(id: StepID, title: String, status: StepStatus, startedAt: String? = nil, finishedAt: String? = nil,
                seconds: Double? = nil, exitCode: Int32? = nil, logPath: String, hint: Hint? = nil, attempts: Int? = nil,
                command: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.seconds = seconds
        self.exitCode = exitCode
        self.logPath = logPath
        self.hint = hint
        self.attempts = attempts
        self.command = command
    }

    /// A finished step that `--replan` keeps only while its command and files are unchanged: one nothing else can
    /// check again (no probe, no captured value, not a check or the verification).
    public static func isKeptWhileUnchanged(_ step: Step) -> Bool {
        step.probe == nil && step.captures.isEmpty && step.kind != .check && step.kind != .verify
    }

    /// The `command` recorded for `step`: its command line, its probe's, and each file it reads with what the file
    /// holds, as text; nil for a step that is not kept while unchanged.
    public static func command(of step: Step, files: (String) -> String? = { _ in nil }) -> String? {
        guard isKeptWhileUnchanged(step) else { return nil }
        var lines = [ShellQuote.join(step.argv)]
        if let probe = step.probe { lines.append("probe: " + ShellQuote.join(probe.argv)) }
        for file in step.files { lines.append("--- \(file)\n" + (files(file) ?? "")) }
        return lines.joined(separator: "\n")
    }
}

/// ISO 8601 timestamps for the journal (UTC, milliseconds).
package enum ISOTime {
    package static func string(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
