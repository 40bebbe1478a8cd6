import Foundation
import TestKit
import Testing

/// The programs an end-to-end test runs for real. A missing one skips the test with a message naming it, or fails
/// it when `KGW_REQUIRE_TOOLS=1` (as `.ci/run` sets it), so CI cannot pass by skipping what it never ran.
enum RequiredTool {
    /// The paths of `names` on PATH, by name; skips (cancels) or fails the running test naming every missing one.
    static func paths(_ names: [String], for what: String) throws -> [String: String] {
        var found: [String: String] = [:], missing: [String] = []
        for name in names {
            if let path = Spawn.which(name) { found[name] = path } else { missing.append(name) }
        }
        guard !missing.isEmpty else { return found }
        try missingTools("\(what) needs \(missing.joined(separator: ", ")) on PATH (not installed here)")
    }

    /// The path of `name` on PATH; skips or fails as `paths` does.
    static func path(_ name: String, for what: String) throws -> String {
        try paths([name], for: what)[name] ?? ""
    }

    /// Fails the test when `KGW_REQUIRE_TOOLS=1`, else skips it, with `message`.
    static func missingTools(_ message: String) throws -> Never {
        if ProcessInfo.processInfo.environment["KGW_REQUIRE_TOOLS"] == "1" {
            throw MissingTool(description: "\(message), and KGW_REQUIRE_TOOLS=1 requires every tool the tests run")
        }
        let skip = "\(message): skipped (KGW_REQUIRE_TOOLS=1 makes this a failure)"
        if Test.current != nil { try Test.cancel(Comment(rawValue: skip)) }
        throw MissingTool(description: skip)
    }

    struct MissingTool: Error, CustomStringConvertible {
        var description: String
    }
}

/// Runs `work` on a thread of its own and awaits it. The end-to-end tests block on processes, pipes and polls;
/// off Swift's cooperative pool (one thread per core) they do not hold back the tests that run beside them.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
