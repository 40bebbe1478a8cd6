import Foundation
import RunModel
import SetupPlan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The run folder: creates it private (0700) and writes its files atomically with an explicit mode.
public struct Workspace: Sendable, Equatable {
    /// The workspace directory.
    public let url: URL

    /// Wraps `url`; nothing is created until `create()`.
    public init(url: URL) { self.url = url.standardizedFileURL }

    /// `state.json`, the run journal.
    public var journalURL: URL { url.appendingPathComponent(WorkspaceFiles.journal) }
    /// `logs/`, one file per step.
    public var logsURL: URL { url.appendingPathComponent(WorkspaceFiles.logs) }

    /// Creates the workspace and `logs/` (0700 each), tightening the mode if they already exist.
    public func create() throws {
        for dir in [url, logsURL] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            // An existing folder may have been made with a looser umask; answers and logs name real resources.
            guard chmod(dir.path, 0o700) == 0 else { throw WorkspaceError.io("chmod \(dir.path)", errno) }
        }
    }

    /// Writes `contents` to `name` (relative) atomically: temp file with `mode`, fsync, rename, fsync of the folder.
    public func writeFile(_ name: String, contents: String, mode: mode_t = 0o600) throws {
        try Self.writeAtomically(Array(contents.utf8), to: url.appendingPathComponent(name), mode: mode)
    }

    /// Atomic replace of `target` so a crash at any instant leaves either the old or the new file.
    public static func writeAtomically(_ bytes: [UInt8], to target: URL, mode: mode_t = 0o600) throws {
        let dir = target.deletingLastPathComponent().path
        let temp = dir + "/." + target.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WorkspaceError.io("open \(temp)", errno) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do {
            defer { close(fd) }
            // open() applies the umask; fchmod makes the mode exact.
            guard fchmod(fd, mode) == 0 else { throw WorkspaceError.io("chmod \(temp)", errno) }
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw WorkspaceError.io("write \(temp)", errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw WorkspaceError.io("fsync \(temp)", errno) }
        }
        guard rename(temp, target.path) == 0 else { throw WorkspaceError.io("rename to \(target.path)", errno) }
        ok = true
        // The rename is durable only once the directory entry is on disk.
        let dirFD = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}

/// A filesystem failure in the workspace, with the failing operation.
public enum WorkspaceError: Error, Equatable, CustomStringConvertible {
    case io(String, Int32)

    public var description: String {
        switch self {
        case .io(let what, let code): return "\(what): \(String(cString: strerror(code)))"
        }
    }
}
