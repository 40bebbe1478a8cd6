import Foundation

/// A task executor with one thread of its own. The end-to-end tests that drive a terminal block on processes and
/// polls; run on it, they leave Swift's cooperative pool (one thread per core) to the tests beside them, and stay in
/// their test's task, so `#expect` and `#require` record against that test.
final class DedicatedThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    private init() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func run() {
        while true {
            let job: UnownedJob? = condition.withLock {
                while jobs.isEmpty && !finished { condition.wait() }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let job else { return }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private func finish() {
        condition.withLock {
            finished = true
            condition.signal()
        }
    }

    /// Runs `body` (blocking work, assertions included) on a new thread of its own, in the calling test's task.
    static func run<T>(_ body: () throws -> T) async throws -> T {
        let executor = DedicatedThread()
        defer { executor.finish() }
        return try await withTaskExecutorPreference(executor) { try body() }
    }
}
