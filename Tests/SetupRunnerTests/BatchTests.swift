import Foundation
import RunModel
import SetupPlan
import Synchronization
import XCTest
@testable import SetupRunner

/// Output lines arrive in batches (one per read), in order, before the step's status; observers that only
/// implement `handle(_:)` still see every line.
final class BatchTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    func testLinesArriveInOrderedBatchesBeforeTheStepFinishes() async throws {
        let step = Step(id: .verifyBucket, title: "Lines", why: "w", argv: ["gcloud", "lines", "50000"], kind: .verify)
        let batching = BatchRecorder()
        let single = RecordingObserver()
        let ran = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: ObserverGroup([batching, single]))
        XCTAssertEqual(ran, .succeeded)

        let calls = batching.calls
        let batches = calls.filter { $0.isBatch }
        XCTAssertGreaterThan(batches.count, 1, "50,000 lines are more than one read")
        XCTAssertLessThan(batches.count, 50_000 / 10, "lines come in batches, not one by one")
        XCTAssertTrue(batches.allSatisfy { $0.events.allSatisfy(\.isOutput) })
        let lines = batches.flatMap(\.events).compactMap(\.line)
        XCTAssertEqual(lines, (1...50_000).map(String.init))
        // Every batch sits between the step's start and its finish; status events come one at a time.
        let kinds = calls.map { $0.isBatch ? "batch" : $0.events[0].kind }
        let firstBatch = try XCTUnwrap(kinds.firstIndex(of: "batch"))
        let lastBatch = try XCTUnwrap(kinds.lastIndex(of: "batch"))
        XCTAssertEqual(kinds[..<firstBatch], ["runStarted", "stepStarted"])
        XCTAssertEqual(kinds[(lastBatch + 1)...], ["stepFinished", "runFinished"])

        // The observer without a batch method got the same lines through the default, one by one.
        XCTAssertEqual(single.outputLines, 50_000)
        XCTAssertEqual(single.outcomes.map(\.status), [.done])
    }

    func testLongLinesAreLoggedWhole() throws {
        let path = fakes.workspace.appendingPathComponent("long.log").path
        try FileManager.default.createDirectory(at: fakes.workspace, withIntermediateDirectories: true)
        let long = String(repeating: "x", count: 200_000)
        do {
            let log = try LogWriter(path: path)
            log.write("first")
            log.write(long)
            Array("last\r".utf8).withUnsafeBytes { log.write(line: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, "first\n" + long + "\nlast\n")
    }
}

/// Records every call: a batch, or a single event.
private final class BatchRecorder: RunObserver {
    struct Call {
        var isBatch: Bool
        var events: [RunEvent]
    }

    private let stored = Mutex<[Call]>([])
    var calls: [Call] { stored.withLock { $0 } }

    func handle(_ event: RunEvent) async { stored.withLock { $0.append(Call(isBatch: false, events: [event])) } }
    func handle(output lines: OutputLines) async { stored.withLock { $0.append(Call(isBatch: true, events: lines.events)) } }
}

private extension RunEvent {
    var isOutput: Bool { line != nil }
    var line: String? { if case .output(_, _, _, let line) = self { return line } else { return nil } }
    var kind: String {
        switch self {
        case .runStarted: return "runStarted"
        case .stepStarted: return "stepStarted"
        case .stepNote: return "stepNote"
        case .stepWaiting: return "stepWaiting"
        case .output: return "output"
        case .stepFinished: return "stepFinished"
        case .gateFinished: return "gateFinished"
        case .runFinished: return "runFinished"
        }
    }
}
