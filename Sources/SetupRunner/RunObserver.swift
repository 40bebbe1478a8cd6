/// Receives a run's events in order, one at a time; the journal is already saved when a status event arrives.
public protocol RunObserver: Sendable {
    /// Called for every event; the engine waits for it, so slow observers slow the run (keep it quick).
    func handle(_ event: RunEvent) async
}

/// An observer from a closure (tests, adapters).
public struct ClosureObserver: RunObserver {
    private let body: @Sendable (RunEvent) async -> Void

    /// Calls `body` for every event.
    public init(_ body: @escaping @Sendable (RunEvent) async -> Void) { self.body = body }

    public func handle(_ event: RunEvent) async { await body(event) }
}

/// Forwards every event to several observers, in the given order.
public struct ObserverGroup: RunObserver {
    private let observers: [any RunObserver]

    /// Forwards to `observers`.
    public init(_ observers: [any RunObserver]) { self.observers = observers }

    public func handle(_ event: RunEvent) async {
        for observer in observers { await observer.handle(event) }
    }
}

/// Texts of `RunEvent.stepNote` that front ends may treat specially.
public enum RunNote {
    /// Sent before a step's probe runs.
    public static let probing = "checking whether it is already done"
}
