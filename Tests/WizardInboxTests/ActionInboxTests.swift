import Foundation
import RunModel
import WizardInbox
import WizardModel
import XCTest

/// The queue between background work and the UI loop: order, bounded takes, and flow control for output.
final class ActionInboxTests: XCTestCase {
    private func lineNumbers(_ actions: [WizardAction]) -> [String] {
        actions.compactMap { action in
            if case .runOutput(let lines) = action { return lines.first }
            return nil
        }
    }

    func testDrainTakesTheOldestFirstAndLeavesTheRest() async {
        let inbox = ActionInbox()
        for n in 0..<5 { await inbox.postOutput(outputRead(n)) }
        XCTAssertFalse(inbox.isEmpty)
        XCTAssertEqual(lineNumbers(inbox.drain(limit: 2)), ["line 0", "line 1"])
        XCTAssertEqual(lineNumbers(inbox.drain(limit: 8)), ["line 2", "line 3", "line 4"])
        XCTAssertTrue(inbox.isEmpty)
        XCTAssertEqual(inbox.drain(limit: 8).count, 0)
    }

    /// With `outputLimit` reads queued, the next read waits (and so would the engine behind it) until the UI
    /// takes some; other actions are never held up; nothing is lost or reordered.
    func testOutputWaitsWhileTheLimitIsQueuedAndGoesOnWhenTheUITakesSome() async throws {
        let inbox = ActionInbox()
        let limit = ActionInbox.outputLimit
        for n in 0..<limit { await inbox.postOutput(outputRead(n)) }

        let posted = expectation(description: "the read over the limit is queued")
        let task = Task {
            await inbox.postOutput(outputRead(limit))
            posted.fulfill()
        }
        // Nothing drains: the read over the limit must still be waiting after a while.
        try await Task.sleep(for: .milliseconds(200))
        inbox.post(.tick(Date(timeIntervalSince1970: 0)))  // not output: queued at once, never waits
        var pending = inbox.drain(limit: limit + 10)
        XCTAssertEqual(lineNumbers(pending), (0..<limit).map { "line \($0)" }, "the waiting read was queued over the limit")
        if case .tick = pending.last {} else { XCTFail("the tick was held up behind waiting output: \(String(describing: pending.last))") }

        await fulfillment(of: [posted], timeout: 5)
        await task.value
        pending = inbox.drain(limit: 10)
        XCTAssertEqual(lineNumbers(pending), ["line \(limit)"])
        XCTAssertTrue(inbox.isEmpty)
    }

    /// A producer far faster than the consumer: every read arrives, in order, and the queue never holds more
    /// than the limit (plus the one a waiting producer adds as it wakes).
    func testAFastProducerAgainstASlowConsumerLosesNothingAndStaysBounded() async throws {
        let inbox = ActionInbox()
        let total = 2_000
        let producer = Task {
            for n in 0..<total { await inbox.postOutput(outputRead(n)) }
        }
        var received: [String] = []
        var largest = 0
        while received.count < total {
            let batch = inbox.drain(limit: 1_000_000)
            largest = max(largest, batch.count)
            received += lineNumbers(batch)
            try await Task.sleep(for: .milliseconds(1))
        }
        await producer.value
        XCTAssertEqual(received, (0..<total).map { "line \($0)" })
        XCTAssertLessThanOrEqual(largest, ActionInbox.outputLimit + 1)
    }
}

/// One pipe read holding the single line `line N`.
private func outputRead(_ n: Int) -> OutputLines {
    OutputLines(index: 0, stepID: .createCluster, stream: .stdout, lines: ["line \(n)"])
}
