import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT / SIGTERM into a callback (e.g. `SetupRunner.cancel()`) instead of killing the process.
///
/// The default action is ignored while this is alive, so the journal can be saved and the child's group
/// stopped before the command exits with 130. `@unchecked Sendable`: the stored values are immutable and
/// dispatch sources may be cancelled from any thread.
public final class InterruptSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    /// Calls `handler` with the signal number each time one of `signals` arrives.
    public init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Restores the default actions.
    public func remove() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
