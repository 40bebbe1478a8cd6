import Foundation
import RunModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a child's stdout and stderr pipes on a thread of its own, splitting, logging and queueing lines.
///
/// One thread with `poll(2)` on both pipes, rather than an async read task per pipe: no task switch per read, one
/// 64 KiB buffer reused rather than a new one per read, and the lines handed over in order without a lock of their
/// own. The pipes are also enlarged to 1 MiB where the system allows, so the child blocks less often.
///
/// Reading stops at end of file on both pipes, or once the child has exited and what it left in the pipes is
/// read: a grandchild that keeps a pipe open (a daemon started by the step) must not hold the step forever.
final class PipeReader: @unchecked Sendable {
    // `collector` is touched only by the reader thread until `queue` reports the end; `OutputQueue`'s lock
    // orders the thread's last write before the caller's next read.
    private let stdout: Int32
    private let stderr: Int32
    private let collector: OutputCollector
    private let queue: OutputQueue

    /// A pipe pair per stream; the read ends are close-on-exec and non-blocking.
    struct Pipes {
        var stdoutRead: Int32, stdoutWrite: Int32, stderrRead: Int32, stderrWrite: Int32
    }

    /// Makes the two pipes, or returns the errno that failed.
    static func makePipes() -> Result<Pipes, Errno> {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { return .failure(Errno(errno)) }
        guard pipe(&err) == 0 else {
            let code = errno
            close(out[0]); close(out[1])
            return .failure(Errno(code))
        }
        // pipe2(O_CLOEXEC) is not exported to Swift here. The library closes every other descriptor in the child
        // it spawns, so this only guards against other spawners in the process.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        for fd in [out[0], err[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            #if os(Linux)
            // Best effort: an unprivileged process may be refused above its pipe quota; 64 KiB still works.
            _ = fcntl(fd, pipeSetSize, 1 << 20)
            #endif
        }
        return .success(Pipes(stdoutRead: out[0], stdoutWrite: out[1], stderrRead: err[0], stderrWrite: err[1]))
    }

    /// F_SETPIPE_SZ (Linux); not exported by Glibc's module.
    private static let pipeSetSize: Int32 = 1031

    struct Errno: Error, CustomStringConvertible {
        let code: Int32
        init(_ code: Int32) { self.code = code }
        var description: String { String(cString: strerror(code)) }
    }

    init(stdout: Int32, stderr: Int32, collector: OutputCollector, queue: OutputQueue) {
        self.stdout = stdout
        self.stderr = stderr
        self.collector = collector
        self.queue = queue
    }

    /// Starts reading `pid`'s pipes; the queue finishes when reading is over. Closes both read ends when done.
    func start(pid: pid_t) {
        let thread = Thread { [self] in run(pid: pid) }
        thread.name = "step output"
        thread.start()
    }

    private func run(pid: pid_t) {
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer {
            buffer.deallocate()
            close(stdout)
            close(stderr)
            queue.finish()
        }
        var open: [(fd: Int32, stream: OutputPipe)] = [(stdout, .stdout), (stderr, .stderr)]
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            // Wake now and then without output to check whether the child is still there.
            let ready = poll(&fds, nfds_t(fds.count), 100)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { break }
            if ready == 0 {
                guard Self.hasExited(pid) else { continue }
                // Gone, with a pipe still open elsewhere: take what it left, once, and stop.
                for entry in open { _ = readAvailable(entry.fd, entry.stream, buffer) }
                break
            }
            var closed: Set<Int32> = []
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                if !readAvailable(open[index].fd, open[index].stream, buffer) { closed.insert(entry.fd) }
            }
            open.removeAll { closed.contains($0.fd) }
        }
        for stream in [OutputPipe.stdout, .stderr] {
            if let lines = collector.finish(stream) { queue.push(lines) }
        }
    }

    /// Reads `fd` until it would block; false at end of file (or on an error, which ends the stream too).
    private func readAvailable(_ fd: Int32, _ stream: OutputPipe, _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n > 0 {
                if let lines = collector.feed(stream, UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                    queue.push(lines)
                }
                // A short read means the pipe is empty: back to poll rather than a read that would fail.
                if n < buffer.count { return true }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return true }
            return false
        }
    }

    /// Whether `pid` has exited, without reaping it (the process library does that).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 {
            // ECHILD: already reaped, so gone.
            return errno == ECHILD
        }
        #if os(Linux)
        return info._sifields._kill.si_pid == pid
        #else
        return info.si_pid == pid
        #endif
    }
}
