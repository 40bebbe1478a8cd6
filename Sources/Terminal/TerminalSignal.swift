#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A termination request delivered to the app instead of killing it, so it can cancel a run first.
public enum TerminalSignal: Equatable, Sendable {
    case interrupt
    case terminate
    /// The terminal went away without a SIGHUP reaching us (its input reports a hang-up): nobody can answer.
    case hangup

    init?(number: Int32) {
        switch number {
        case SIGINT: self = .interrupt
        case SIGTERM: self = .terminate
        default: return nil
        }
    }

    /// The POSIX signal number.
    public var number: Int32 {
        switch self {
        case .interrupt: return SIGINT
        case .terminate: return SIGTERM
        case .hangup: return SIGHUP
        }
    }

    /// The conventional shell exit status after this signal: 130, 143 or 129.
    public var exitStatus: Int32 { 128 + number }
}
