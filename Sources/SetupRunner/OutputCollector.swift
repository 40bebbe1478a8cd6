/// Splits a command's two pipes into lines, writes them to the log, and keeps only bounded parts in memory.
///
/// `@unchecked Sendable`: the two reader tasks only touch it while holding `CommandRunner`'s `AsyncGate`.
final class OutputCollector: @unchecked Sendable {
    private let log: LogWriter
    private var stdoutSplitter: LineSplitter
    private var stderrSplitter: LineSplitter
    private var stderrTail: TailBuffer
    private var stdoutCapture: [UInt8] = []
    private var stdoutTruncated = false
    private let stdoutCaptureBytes: Int

    init(log: LogWriter, maxLineBytes: Int, stderrTailLines: Int, stdoutCaptureBytes: Int) {
        self.log = log
        stdoutSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrTail = TailBuffer(capacity: stderrTailLines)
        self.stdoutCaptureBytes = stdoutCaptureBytes
    }

    /// Takes one chunk of `stream`; returns its complete lines when `keepLines` (for events).
    func feed(_ stream: OutputStream, _ bytes: UnsafeRawBufferPointer, keepLines: Bool) -> [String] {
        var lines: [String] = []
        if stream == .stdout {
            captureStdout(bytes)
            stdoutSplitter.feed(bytes) { line in
                log.write(line)
                if keepLines { lines.append(line) }
            }
        } else {
            stderrSplitter.feed(bytes) { line in
                log.write(line)
                stderrTail.append(line)
                if keepLines { lines.append(line) }
            }
        }
        return lines
    }

    /// Flushes the unterminated last line of `stream`, if any.
    func finish(_ stream: OutputStream, keepLines: Bool) -> [String] {
        var lines: [String] = []
        if stream == .stdout {
            stdoutSplitter.finish { line in
                log.write(line)
                if keepLines { lines.append(line) }
            }
        } else {
            stderrSplitter.finish { line in
                log.write(line)
                stderrTail.append(line)
                if keepLines { lines.append(line) }
            }
        }
        log.flush()
        return lines
    }

    func result(ending: CommandResult.Ending, stopReason: CommandResult.StopReason?, seconds: Double) -> CommandResult {
        log.flush()
        return CommandResult(
            ending: ending, stopReason: stopReason,
            stdout: String(decoding: stdoutCapture, as: UTF8.self), stdoutTruncated: stdoutTruncated,
            stderrTail: stderrTail.lines, seconds: seconds)
    }

    private func captureStdout(_ bytes: UnsafeRawBufferPointer) {
        let room = stdoutCaptureBytes - stdoutCapture.count
        if bytes.count <= room {
            stdoutCapture.append(contentsOf: bytes)
        } else {
            if room > 0 { stdoutCapture.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room])) }
            stdoutTruncated = true
        }
    }
}
