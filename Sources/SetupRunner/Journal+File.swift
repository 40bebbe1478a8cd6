import Foundation
import RunModel

/// The journal on disk: read (refusing what is not one of ours) and written atomically.
extension Journal {
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

    /// The journal as state.json holds it: pretty JSON with sorted keys, nil values left out, and a final newline.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
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

