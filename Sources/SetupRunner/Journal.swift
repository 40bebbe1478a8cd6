import Foundation
import SetupPlan

/// The run journal, `WORKSPACE/state.json`: what each step did, captured values and how the run ended.
public struct Journal: Codable, Equatable, Sendable {
    /// The only `formatVersion` this build reads and writes.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// Fingerprint of the answers the steps ran for (see `Fingerprint`).
    public var fingerprint: String
    /// The normalized answers text, kept so a refused resume can say what changed.
    public var normalizedAnswers: String
    public var createdAt: String
    public var updatedAt: String
    public var steps: [JournalStep]
    /// Values captured from step output, e.g. `PROJECT_NUMBER`.
    public var captures: [String: String]
    /// Nil while a run is in progress (or was killed).
    public var result: RunResult?

    /// A journal with every step of `steps` pending; `files` gives what the workspace files they read hold.
    public init(fingerprint: String, normalizedAnswers: String, steps: [Step], files: (String) -> String? = { _ in nil },
                now: Date = Date()) {
        formatVersion = Self.currentFormatVersion
        self.fingerprint = fingerprint
        self.normalizedAnswers = normalizedAnswers
        createdAt = ISOTime.string(now)
        updatedAt = createdAt
        self.steps = steps.enumerated().map { index, step in
            JournalStep(id: step.id, title: step.title, status: .pending,
                        logPath: Workspace.logPath(index: index, stepID: step.id), fingerprint: JournalStep.fingerprint(of: step, files: files))
        }
        captures = [:]
        result = nil
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
        guard version == currentFormatVersion else {
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
    /// SHA-256 of the step's command, probe and the files it reads when the journal was made: `--replan` keeps a
    /// finished step only while all of it is unchanged (a new bucket name must not count as granted, nor another
    /// Ray version as applied).
    public var fingerprint: String?

    /// state.json's keys; the fingerprint is stored under `command`, the key journals have always used for it.
    enum CodingKeys: String, CodingKey {
        case id, title, status, startedAt, finishedAt, seconds, exitCode, logPath, hint, attempts
        case fingerprint = "command"
    }

    public init(id: String, title: String, status: StepStatus, startedAt: String? = nil, finishedAt: String? = nil,
                seconds: Double? = nil, exitCode: Int32? = nil, logPath: String, hint: Hint? = nil, attempts: Int? = nil,
                fingerprint: String? = nil) {
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
        self.fingerprint = fingerprint
    }

    /// The `fingerprint` of `step`, given what the workspace files it reads hold.
    public static func fingerprint(of step: Step, files: (String) -> String? = { _ in nil }) -> String {
        let read = step.files.flatMap { ["\u{0}file", $0, files($0) ?? ""] }
        return Fingerprint.sha256((step.argv + ["\u{0}probe"] + (step.probe?.argv ?? []) + read).joined(separator: "\u{0}"))
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
