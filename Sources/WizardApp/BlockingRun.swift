import Foundation
import RunViews
import Synchronization

/// A command's async body run from a thread outside Swift concurrency (the wizard's, once its terminal is restored).
enum BlockingRun {
    /// Runs `body` and waits for its exit status: an `ExitStatus` it throws is that status; another error is printed
    /// and is 1.
    static func exitStatus(_ body: @escaping @Sendable () async throws -> Int32) -> Int32 {
        let code = ExitCodeBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let status = try await body()
                code.value.withLock { $0 = status }
            } catch let status as ExitStatus {
                code.value.withLock { $0 = status.code }
            } catch {
                Console.error("error: \(error)")
                code.value.withLock { $0 = 1 }
            }
            done.signal()
        }
        done.wait()
        return code.value.withLock { $0 }
    }

    private final class ExitCodeBox: Sendable {
        let value = Mutex<Int32>(1)
    }
}
