import Foundation
import RunModel
import XCTest
@testable import SetupRunner

/// The reader thread's hand-off: everything pushed arrives once, in order, whatever the timing on either side.
final class OutputQueueTests: XCTestCase {
    func testEveryPushArrivesInOrderWithASlowOrFastConsumer() async {
        for limit in [1, 2, 4] {
            let queue = OutputQueue(limit: limit)
            let count = 20_000
            let producer = Thread {
                for i in 0..<count {
                    queue.push(OutputLines(index: i, stepID: .waitHead, stream: .stdout, lines: []))
                    // Now and then let the consumer catch up and wait, so both sides of the hand-off are exercised.
                    if i % 97 == 0 { usleep(50) }
                }
                queue.finish()
            }
            producer.start()
            var received: [Int] = []
            while let lines = await queue.next() {
                received.append(lines.index)
                if received.count % 89 == 0 { await Task.yield() }
            }
            XCTAssertEqual(received.count, count, "limit \(limit)")
            XCTAssertEqual(received, Array(0..<count), "limit \(limit)")
        }
    }
}
