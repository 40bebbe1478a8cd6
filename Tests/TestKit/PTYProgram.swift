import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens pseudo-terminals for tests and the bench.
public enum PTY {
    /// A new pty's master side (close-on-exec, sized) and its slave's path, for the caller to open as it needs.
    public static func openMaster(columns: Int, rows: Int) -> (master: Int32, slavePath: String)? {
        // Glibc's Swift module hides posix_openpt/unlockpt/ptsname; these ioctls are what they do.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0,
              ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
            close(master)
            return nil
        }
        return (master, "/dev/pts/\(number)")
    }

    /// Starts `argv` in a session of its own with the pty at `slavePath` as its controlling terminal and its
    /// standard input, output and error, as in a real terminal (programs that open /dev/tty find it); its pid, or -1.
    public static func launch(_ argv: [String], environment: [String: String], slavePath: String) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened in the child after setsid, without O_NOCTTY: the pty becomes its controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        return Spawn.launch(argv, environment: environment, actions: &actions, newSession: true)
    }
}

/// A program run on a pseudo-terminal as a person runs it in a terminal: it reads what is typed, the test reads
/// everything it writes (echo included), line by line as it comes.
public final class PTYProgram: @unchecked Sendable {
    public let pid: pid_t
    private let master: Int32
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var status: Int32?

    /// Starts `argv` with `environment` on a new pty, in a session of its own with the pty as its controlling terminal.
    public init(_ argv: [String], environment: [String: String], columns: Int = 80, rows: Int = 24) throws {
        guard let (master, slavePath) = PTY.openMaster(columns: columns, rows: rows) else { throw PTYError.open }
        let pid = PTY.launch(argv, environment: environment, slavePath: slavePath)
        guard pid > 0 else {
            close(master)
            throw PTYError.spawn
        }
        (self.pid, self.master) = (pid, master)
        let reader = Thread { [self] in read() }
        reader.start()
    }

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL) }
        close(master)
    }

    /// Everything written so far, with carriage returns dropped.
    public var text: String {
        lock.withLock { String(decoding: output, as: UTF8.self) }.replacingOccurrences(of: "\r", with: "")
    }

    /// The exit status once the program has ended (128 + n for signal n).
    public var exitStatus: Int32? { lock.withLock { status } }

    /// Types `line` and Enter.
    public func typeLine(_ line: String) {
        type(line + "\r")
    }

    /// Types `text` as it is (keys, control characters).
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the output after `offset` characters contains `marker`; the output then, or an error naming the wait.
    @discardableResult
    public func waitFor(_ marker: String, after offset: Int = 0, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = text
            if current.dropFirst(offset).contains(marker) { return current }
            if exitStatus != nil, !text.dropFirst(offset).contains(marker) { break }
            usleep(10_000)
        }
        throw PTYError.timeout(waitingFor: marker, output: text)
    }

    /// Waits for the program to exit; its status.
    public func waitForExit(timeout: Double = 60) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exitStatus { return status }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        throw PTYError.timeout(waitingFor: "exit", output: text)
    }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(master, &buffer, buffer.count)
            if count > 0 {
                lock.withLock { output.append(contentsOf: buffer[0..<count]) }
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        // EIO: the last descriptor of the slave side closed, i.e. the program (and its children) are gone.
        let code = Spawn.wait(pid)
        lock.withLock { status = code }
    }

    public enum PTYError: Error, CustomStringConvertible {
        case open, spawn
        case timeout(waitingFor: String, output: String)

        public var description: String {
            switch self {
            case .open: "cannot open a pseudo-terminal"
            case .spawn: "cannot start the program"
            case .timeout(let marker, let output): "timed out waiting for \(marker); output so far:\n\(output)"
            }
        }
    }
}
