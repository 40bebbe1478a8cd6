import SetupPlan

/// Receives a run's events in order, one call at a time; the journal is already saved when a status event arrives.
public protocol RunObserver: Sendable {
    /// Called for every event but output lines (see `handle(output:)`); the engine waits for it, so slow
    /// observers slow the run (keep it quick).
    func handle(_ event: RunEvent) async

    /// Called with the output lines split from one read of a pipe (a few hundred for a chatty step), in order,
    /// before any later event.
    ///
    /// The default calls `handle(_:)` with an `.output` event for each line; implement it when the lines can be
    /// handled more cheaply together (one lock, one redraw, only the last few decoded).
    func handle(output lines: OutputLines) async
}

extension RunObserver {
    public func handle(output lines: OutputLines) async {
        for event in lines.events { await handle(event) }
    }
}

/// An observer from a closure (tests, adapters).
public struct ClosureObserver: RunObserver {
    private let body: @Sendable (RunEvent) async -> Void

    /// Calls `body` for every event.
    public init(_ body: @escaping @Sendable (RunEvent) async -> Void) { self.body = body }

    public func handle(_ event: RunEvent) async { await body(event) }
}

/// Forwards every event (and every read's lines, together) to several observers, in the given order.
public struct ObserverGroup: RunObserver {
    private let observers: [any RunObserver]

    /// Forwards to `observers`.
    public init(_ observers: [any RunObserver]) { self.observers = observers }

    public func handle(_ event: RunEvent) async {
        for observer in observers { await observer.handle(event) }
    }

    public func handle(output lines: OutputLines) async {
        for observer in observers { await observer.handle(output: lines) }
    }
}

/// Texts of `RunEvent.stepNote` that front ends may treat specially.
public enum RunNote {
    /// Sent before a step's probe runs.
    public static let probing = "checking whether it is already done"
}
