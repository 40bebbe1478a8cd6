/// The exit status of a session that stopped after printing why (invalid answers, an unreadable journal, a
/// refusal); the executable exits with it.
public struct ExitStatus: Error, Equatable, Sendable {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }
}

/// An option given a value it cannot take, said in `message`; the executable reports it with the usage (exit 2).
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
