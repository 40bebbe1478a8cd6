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

    /// A journal with every step of `steps` pending; `files` gives what the workspace files they read hold.
    public init(normalizedAnswers: String, steps: [Step], files: (String) -> String? = { _ in nil }, now: Date = Date()) {
        formatVersion = Self.currentFormatVersion
        planVersion = Self.currentPlanVersion
        self.normalizedAnswers = normalizedAnswers
        createdAt = ISOTime.string(now)
        updatedAt = createdAt
        self.steps = steps.enumerated().map { index, step in
            JournalStep(id: step.id, title: step.title, status: .pending,
                        logPath: Workspace.logPath(index: index, stepID: step.id), command: JournalStep.command(of: step, files: files))
        }
        captures = [:]
        result = nil
    }

    /// Whether the journal was written for these normalized answers under this build's plan version: the texts are
    /// compared as they are (they are a few dozen lines; no digest stands in for them).
    public func isFor(normalizedAnswers text: String) -> Bool {
        planVersion == Self.currentPlanVersion && normalizedAnswers == text
    }

    /// The entry for step `id`, if the journal has one.
    public func step(_ id: String) -> JournalStep? { steps.first { $0.id == id } }

    /// Reads `workspace/state.json`; nil when there is none, `JournalError` when it is unreadable or not ours.
    public static func load(workspace: URL) throws -> Journal? {
        try load(from: Workspace(url: workspace).journalURL)
    }

    /// Reads the journal at `url` (`state.json`, or a destroy's own journal); nil when there is none.
    public static func load(from url: URL) throws -> Journal? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw JournalError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        // Check the version first so a future format gets a precise message, not a decoding error.
        struct VersionOnly: Decodable { var formatVersion: Int? }
        guard let probe = try? JSONDecoder().decode(VersionOnly.self, from: data) else {
            throw JournalError.corrupt(path: url.path, reason: "not valid JSON")
        }
        guard let version = probe.formatVersion else {
            throw JournalError.corrupt(path: url.path, reason: "no formatVersion: not a kuberay-gcs-wizard journal")
        }
        guard readableFormatVersions.contains(version) else {
            throw JournalError.unsupportedVersion(path: url.path, found: version, expected: currentFormatVersion)
        }
        do {
            return try JSONDecoder().decode(Journal.self, from: data)
        } catch {
            throw JournalError.corrupt(path: url.path, reason: "\(error)")
        }
    }

    /// Writes the journal to `workspace/state.json` atomically (0600).
    public func save(workspace: URL) throws {
        try save(to: Workspace(url: workspace).journalURL)
    }

    /// Writes the journal to `url` atomically (0600).
    public func save(to url: URL) throws {
        try Workspace.writeAtomically(Array(try jsonData()), to: url, mode: 0o600)
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion, planVersion, normalizedAnswers, createdAt, updatedAt, steps, captures, result
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
        steps = try container.decode([JournalStep].self, forKey: .steps)
        captures = try container.decode([String: String].self, forKey: .captures)
        result = try container.decodeIfPresent(RunResult.self, forKey: .result)
        if formatVersion == 1 {
            for index in steps.indices { steps[index].command = nil }
        }
        // Saved again, it is written in this build's format.
        formatVersion = Self.currentFormatVersion
    }

    /// The journal as state.json holds it: pretty JSON with sorted keys, nil values left out, and a final newline.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// One step's record in the journal.
public struct JournalStep: Codable, Equatable, Sendable {
    public var id: String
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

    public init(id: String, title: String, status: StepStatus, startedAt: String? = nil, finishedAt: String? = nil,
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

/// Why a workspace's journal cannot be used; the file is left as it is.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case unsupportedVersion(path: String, found: Int, expected: Int)
    /// The journal was written for other answers; `diff` says what changed.
    case answersChanged(path: String, diff: String)
    /// `resume` in a workspace that has no journal.
    case noJournal(path: String)
    /// Another run of this runner is in progress.
    case alreadyRunning

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason):
            return "\(path) is corrupt (\(reason)). It was left untouched: move it aside to start over, "
                + "or restore it from a backup."
        case .unsupportedVersion(let path, let found, let expected):
            return "\(path) has journal format \(found); this version reads format \(expected). It was left untouched."
        case .answersChanged(let path, let diff):
            return "the answers changed since \(path) was written:\n\(diff)\n"
                + "Use --replan to keep the finished steps and re-check the others against the new answers."
        case .noJournal(let path):
            return "no journal at \(path): nothing to resume (run apply first)"
        case .alreadyRunning:
            return "a run is already in progress"
        }
    }
}

/// ISO 8601 timestamps for the journal (UTC, milliseconds).
enum ISOTime {
    static func string(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
