import Foundation
import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// The engine's own pipe reading: both streams in order, a background grandchild does not hold a step, and no
/// descriptor is left behind.
final class PipeReaderTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    func testAStepThatLeavesABackgroundProcessOnItsPipesStillFinishes() async throws {
        // The sleeper keeps stdout and stderr open for 20 s after the shell has exited.
        let step = Step(id: .verifyBucket, title: "Background", why: "w",
                        argv: ["/bin/sh", "-c", "sleep 20 & echo started; echo warned >&2"], kind: .verify)
        let observer = RecordingObserver()
        let start = ContinuousClock.now
        let result = try await fakes.runner(FakeTools.plan([step])).run(mode: .fresh, observer: observer)
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(result, .succeeded)
        XCTAssertLessThan(elapsed, .seconds(10), "the step ended with the shell, not with its background child")
        let lines = observer.events.compactMap { event -> String? in
            if case .output(_, _, let stream, let line) = event { return "\(stream): \(line)" } else { return nil }
        }
        XCTAssertEqual(Set(lines), ["stdout: started", "stderr: warned"])
        XCTAssertEqual(observer.outcomes.first?.result, "started")
    }

    func testStepsLeaveNoDescriptorsOpen() async throws {
        let steps = (0..<30).map { Step(id: .createNodePool(group: "s\($0)"), title: "Step \($0)", why: "w", argv: ["/bin/echo", "\($0)"], kind: .verify) }
        // One warm-up run: the libraries open what they keep (epoll, signal pipes) on first use.
        let warmUp = try FakeTools()
        defer { warmUp.remove() }
        _ = try await warmUp.runner(FakeTools.plan(Array(steps.prefix(1)))).run(mode: .fresh, observer: RecordingObserver())
        let before = try openDescriptors()
        let result = try await fakes.runner(FakeTools.plan(steps)).run(mode: .fresh, observer: RecordingObserver())
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(try openDescriptors(), before)
    }

    func testACommandThatCannotStartLeavesNoDescriptorsOpen() async throws {
        let runner = CommandRunner(workingDirectory: fakes.root.path, environment: [:], gracePeriod: 1, maxLineBytes: 1024,
                                   stderrTailLines: 10, stdoutCaptureBytes: 1024)
        let log = try LogWriter(path: fakes.root.appendingPathComponent("missing.log").path)
        _ = await runner.run(argv: ["no-such-program-kgw"], timeout: 5, stop: StopSwitch(), log: log, output: nil)
        let before = try openDescriptors()
        for _ in 0..<20 {
            let result = await runner.run(argv: ["no-such-program-kgw"], timeout: 5, stop: StopSwitch(), log: log, output: nil)
            XCTAssertEqual(result.ending, .launchFailed("no-such-program-kgw: command not found on PATH"))
        }
        XCTAssertEqual(try openDescriptors(), before)
    }

    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }
}
