/// Receives a run's events in order, one call at a time; the journal is already saved when a status event arrives.
public protocol RunObserver: Sendable {
    /// Called for every event not delivered in a batch; the engine waits for it, so slow observers slow the run
    /// (keep it quick).
    func handle(_ event: RunEvent) async

    /// Called with several events at once, in order: the output lines split from one read of a pipe (a few
    /// hundred for a chatty step). Events of a batch come before any later event, never after it.
    ///
    /// The default calls `handle(_:)` for each event; implement it when a batch can be handled more cheaply
    /// than its events one by one (one lock, one redraw).
    func handle(batch events: [RunEvent]) async
}

extension RunObserver {
    public func handle(batch events: [RunEvent]) async {
        for event in events { await handle(event) }
    }
}

/// An observer from a closure (tests, adapters).
public struct ClosureObserver: RunObserver {
    private let body: @Sendable (RunEvent) async -> Void

    /// Calls `body` for every event.
    public init(_ body: @escaping @Sendable (RunEvent) async -> Void) { self.body = body }

    public func handle(_ event: RunEvent) async { await body(event) }
}

/// Forwards every event (and every batch, as a batch) to several observers, in the given order.
public struct ObserverGroup: RunObserver {
    private let observers: [any RunObserver]

    /// Forwards to `observers`.
    public init(_ observers: [any RunObserver]) { self.observers = observers }

    public func handle(_ event: RunEvent) async {
        for observer in observers { await observer.handle(event) }
    }

    public func handle(batch events: [RunEvent]) async {
        for observer in observers { await observer.handle(batch: events) }
    }
}

/// Texts of `RunEvent.stepNote` that front ends may treat specially.
public enum RunNote {
    /// Sent before a step's probe runs.
    public static let probing = "checking whether it is already done"
}
