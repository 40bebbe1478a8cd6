import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two things `session` asks of a local TCP port: is it free to listen on, and does an HTTP server answer there.
enum LocalPort {
    /// Whether a listener could bind `port` on 127.0.0.1 now. SO_REUSEADDR as kubectl's (Go's) listeners set it, so a
    /// port left in TIME_WAIT by an earlier forward counts as free, as it is for kubectl.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }

    /// Whether an HTTP server on 127.0.0.1:`port` sends a status line within `timeout` seconds (any status: a 401 of
    /// the dashboard's token check is an answer). Blocking, on a thread of its own.
    static func answersHTTP(_ port: Int, timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: httpStatusLine(port, timeout: timeout)) }
            thread.name = "forward check"
            thread.start()
        }
    }

    private static func httpStatusLine(_ port: Int, timeout: Double) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - Double(Int(timeout))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /api/version HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return false }
        let wanted = 5
        var reply = [UInt8](repeating: 0, count: wanted)
        var got = 0
        while got < wanted {
            let n = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress.map { $0 + got }, wanted - got, 0) }
            if n <= 0 { return false }
            got += n
        }
        return reply == Array("HTTP/".utf8)
    }

    private static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        return address
    }
}
