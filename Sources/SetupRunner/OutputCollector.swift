/// Splits a command's two pipes into lines, writes them to the log, and keeps only bounded parts in memory.
///
/// Lines go to the log as bytes straight from the read buffer; a `String` is made only for a line that becomes
/// an event or joins the stderr tail.
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
    /// Makes a line's event; nil when nobody wants the lines as events (probes).
    private let makeEvent: (@Sendable (OutputStream, String) -> RunEvent)?
    /// Lines in the last chunk: the next batch's starting capacity, so a batch is not regrown line by line.
    private var lastBatchCount = 0

    init(log: LogWriter, maxLineBytes: Int, stderrTailLines: Int, stdoutCaptureBytes: Int,
         makeEvent: (@Sendable (OutputStream, String) -> RunEvent)?) {
        self.log = log
        self.makeEvent = makeEvent
        stdoutSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrSplitter = LineSplitter(maxLineBytes: maxLineBytes)
        stderrTail = TailBuffer(capacity: stderrTailLines)
        self.stdoutCaptureBytes = stdoutCaptureBytes
    }

    /// Takes one chunk of `stream`; returns the events of its complete lines (none without `makeEvent`).
    func feed(_ stream: OutputStream, _ bytes: UnsafeRawBufferPointer) -> [RunEvent] {
        var events: [RunEvent] = []
        if makeEvent != nil { events.reserveCapacity(lastBatchCount) }
        if stream == .stdout {
            captureStdout(bytes)
            stdoutSplitter.feed(bytes) { line in take(stream, line, into: &events) }
        } else {
            stderrSplitter.feed(bytes) { line in take(stream, line, into: &events) }
        }
        lastBatchCount = events.count
        return events
    }

    /// Flushes the unterminated last line of `stream`, if any; returns its event.
    func finish(_ stream: OutputStream) -> [RunEvent] {
        var events: [RunEvent] = []
        if stream == .stdout {
            stdoutSplitter.finish { line in take(stream, line, into: &events) }
        } else {
            stderrSplitter.finish { line in take(stream, line, into: &events) }
        }
        log.flush()
        return events
    }

    private func take(_ stream: OutputStream, _ line: UnsafeRawBufferPointer, into events: inout [RunEvent]) {
        log.write(line: line)
        if stream == .stderr {
            let text = LineSplitter.decode(line)
            stderrTail.append(text)
            if let makeEvent { events.append(makeEvent(stream, text)) }
        } else if let makeEvent {
            events.append(makeEvent(stream, LineSplitter.decode(line)))
        }
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
