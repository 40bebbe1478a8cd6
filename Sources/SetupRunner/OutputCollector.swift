import RunModel

/// Splits a command's two pipes into lines, writes them to the log, and keeps only bounded parts in memory.
///
/// Lines go to the log as bytes straight from the read buffer and are handed on as `OutputLines`, one per read;
/// a `String` is made here only for a line that joins the stderr tail.
///
/// `@unchecked Sendable`: only `PipeReader`'s thread touches it while the command runs; the caller reads the result after.
final class OutputCollector: @unchecked Sendable {
    private let log: LogWriter
    private var stdoutSplitter: LineSplitter
    private var stderrSplitter: LineSplitter
    private var stderrTail: TailBuffer
    private var stdoutCapture: [UInt8] = []
    private var stdoutTruncated = false
    private let stdoutCaptureBytes: Int
    /// The step the lines belong to; nil when nobody wants the lines (probes).
    private let source: OutputSource?
    /// Lines in the last chunk: the next one's starting capacity, so the list is not regrown line by line.
    private var lastLineCount = 0

    init(log: LogWriter, maxLineBytes: Int, stderrTailLines: Int, stdoutCaptureBytes: Int, source: OutputSource?) {
        self.log = log
        self.source = source
        stdoutSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrTail = TailBuffer(capacity: stderrTailLines)
        self.stdoutCaptureBytes = stdoutCaptureBytes
    }

    /// Takes one chunk of `stream`; returns its complete lines (none without a source).
    func feed(_ stream: OutputPipe, _ bytes: UnsafeRawBufferPointer) -> OutputLines? {
        var lines = source.map {
            OutputLines(index: $0.index, stepID: $0.stepID, stream: stream, chunk: bytes, expectedLines: lastLineCount)
        }
        if stream == .stdout {
            captureStdout(bytes)
            stdoutSplitter.feed(bytes) { line, verbatim in take(stream, line, verbatim: verbatim, chunk: bytes, into: &lines) }
        } else {
            stderrSplitter.feed(bytes) { line, verbatim in take(stream, line, verbatim: verbatim, chunk: bytes, into: &lines) }
        }
        // The verbatim lines point into `bytes`, which the caller reuses after this returns.
        log.endOfChunk()
        lastLineCount = lines?.count ?? 0
        return lines?.isEmpty == false ? lines : nil
    }

    /// Flushes the unterminated last line of `stream`, if any, and returns it.
    func finish(_ stream: OutputPipe) -> OutputLines? {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        var lines = source.map { OutputLines(index: $0.index, stepID: $0.stepID, stream: stream, chunk: none) }
        if stream == .stdout {
            stdoutSplitter.finish { line, _ in take(stream, line, verbatim: false, chunk: none, into: &lines) }
        } else {
            stderrSplitter.finish { line, _ in take(stream, line, verbatim: false, chunk: none, into: &lines) }
        }
        log.flush()
        return lines?.isEmpty == false ? lines : nil
    }

    /// Logs one line and adds it to `lines`: in place when it is verbatim in `chunk`, else copied.
    private func take(_ stream: OutputPipe, _ line: UnsafeRawBufferPointer, verbatim: Bool, chunk: UnsafeRawBufferPointer,
                      into lines: inout OutputLines?) {
        if verbatim, let base = chunk.baseAddress, let start = line.baseAddress {
            log.write(verbatimLine: line)
            let offset = base.distance(to: start)
            lines?.appendVerbatim(offset..<(offset + line.count))
        } else {
            log.write(line: line)
            lines?.append(line)
        }
        if stream == .stderr { stderrTail.append(LineSplitter.decode(line)) }
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
