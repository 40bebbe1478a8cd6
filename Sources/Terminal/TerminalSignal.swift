#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A termination request delivered to the app instead of killing it, so it can cancel a run first.
public enum TerminalSignal: Equatable, Sendable {
    case interrupt
    case terminate

    init?(number: Int32) {
        switch number {
        case SIGINT: self = .interrupt
        case SIGTERM: self = .terminate
        default: return nil
        }
    }

    /// The POSIX signal number.
    public var number: Int32 { self == .interrupt ? SIGINT : SIGTERM }

    /// The conventional shell exit status after this signal: 130 or 143.
    public var exitStatus: Int32 { 128 + number }
}
