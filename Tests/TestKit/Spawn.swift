import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn helpers for starting tmux and other programs from tests and the bench: no Foundation.Process,
/// whose exit-watch socket a daemon (the tmux server) would keep forever so its client never counts as exited,
/// and no descriptor of ours left to a child.
public enum Spawn {
    /// Runs `argv` to completion with `environment`; returns its stdout and exit status.
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String]) -> (status: Int32, stdout: String) {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return (-1, "") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        closeInherited(&actions)
        let pid = launch(argv, environment: environment, actions: &actions)
        close(pipeEnds[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while pid > 0 {
            let count = read(pipeEnds[0], &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(pipeEnds[0])
        guard pid > 0 else { return (-1, "") }
        return (wait(pid), String(decoding: output, as: UTF8.self))
    }

    /// Runs `argv` with stdin/stdout/stderr on /dev/null and nothing else inherited; waits for it.
    public static func detached(_ argv: [String], environment: [String: String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        closeInherited(&actions)
        let pid = launch(argv, environment: environment, actions: &actions)
        return pid > 0 ? wait(pid) : -1
    }

    /// Starts `argv` with stdin on /dev/null and stdout and stderr both on the file `output` (appended to, or truncated
    /// first), nothing else inherited; its pid, or -1. Not waited for.
    public static func launch(_ argv: [String], environment: [String: String], output: String, append: Bool,
                              newSession: Bool = false) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInherited(&actions)
        return launch(argv, environment: environment, actions: &actions, newSession: newSession)
    }

    /// Where `name` is on PATH, or nil.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Closes in the child every descriptor above 2 this process has open.
    public static func closeInherited(_ actions: inout posix_spawn_file_actions_t) {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            // A descriptor that is gone by then (the directory listing's own) is skipped by glibc.
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// Starts `argv` with `actions` and clean signals, in a session of its own when `newSession` (so a terminal it
    /// opens becomes its controlling one); its pid, or -1.
    public static func launch(_ argv: [String], environment: [String: String], actions: inout posix_spawn_file_actions_t,
                              newSession: Bool = false) -> pid_t {
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArgs + cEnv { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        cleanSignals(&attributes)
        if newSession {
            var flags: Int16 = 0
            posix_spawnattr_getflags(&attributes, &flags)
            // POSIX_SPAWN_SETSID (glibc 2.26), which Glibc's Swift module does not export.
            posix_spawnattr_setflags(&attributes, flags | 0x80)
        }
        var pid = pid_t()
        guard let path = argv.first, posix_spawn(&pid, path, &actions, &attributes, cArgs, cEnv) == 0 else { return -1 }
        return pid
    }

    /// No blocked signals and default handlers in the child. The bench runs on a Swift concurrency thread whose
    /// mask blocks signals; inherited, it would leave the tmux server deaf to kill-server and the panes to SIGHUP.
    static func cleanSignals(_ attributes: inout posix_spawnattr_t) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigemptyset(&all)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGWINCH, SIGUSR1, SIGUSR2] {
            sigaddset(&all, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    /// Starts `process` with no signal blocked in it. A child inherits the mask of the thread that starts it, and
    /// Swift's concurrency threads block nearly every signal: started from one, a program would never see the
    /// SIGTERM or SIGINT a test stops it with (a server would outlive its test, holding `swift test`'s output open).
    public static func start(_ process: Process) throws {
        var empty = sigset_t(), old = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try process.run()
    }

    /// Waits for `pid`; its exit status, or 128 + the signal that killed it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
