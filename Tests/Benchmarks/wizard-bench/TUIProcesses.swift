import Foundation
import TestKit
#if canImport(Glibc)
import Glibc
#endif

/// A tmux server of the bench's own (socket in its temp folder), one 80x24 pane.
final class BenchTmux {
    private let tmux: String
    private let socket: String
    let environment: [String: String]

    init?(tmux: String, folder: URL, environment: [String: String]) {
        self.tmux = tmux
        socket = folder.appendingPathComponent("tmux.sock").path
        self.environment = environment
        let status = Spawn.detached([tmux, "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24",
                                     "-s", "bench", "-c", folder.path, "exec sleep 100000"], environment: environment)
        guard status == 0 else { return nil }
    }

    /// Replaces whatever runs in the pane with `command` (a shell command line).
    func respawn(_ command: String) {
        tmuxCommand(["respawn-pane", "-k", "-t", "bench", command])
    }

    func keys(_ keys: [String], literal: Bool = false) {
        tmuxCommand(["send-keys", "-t", "bench"] + (literal ? ["-l"] : []) + keys)
    }

    func capture() -> String {
        Spawn.run([tmux, "-S", socket, "capture-pane", "-p", "-t", "bench"], environment: environment).stdout
    }

    /// Polls the pane until `condition` holds; the seconds it took, or nil after `timeout`.
    func wait(timeout: Double = 10, _ condition: (String) -> Bool) -> Double? {
        let start = ContinuousClock.now
        while true {
            if condition(capture()) { return (ContinuousClock.now - start).seconds }
            if (ContinuousClock.now - start).seconds > timeout { return nil }
        }
    }

    func kill() {
        tmuxCommand(["kill-server"])
    }

    private func tmuxCommand(_ args: [String]) {
        Spawn.run([tmux, "-S", socket] + args, environment: environment)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// A pseudo-terminal pair whose master side is read (and thrown away) by a thread, like an emulator would.
final class BenchPTY: @unchecked Sendable {
    let master: Int32
    let slave: Int32

    init?(columns: Int = 80, rows: Int = 24) {
        guard let (master, slavePath) = PTY.openMaster(columns: columns, rows: rows) else { return nil }
        let slave = open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            return nil
        }
        (self.master, self.slave) = (master, slave)
        let thread = Thread { [self] in drain() }
        thread.start()
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count > 0 || (count < 0 && errno == EINTR) { continue }
            return
        }
    }
}
