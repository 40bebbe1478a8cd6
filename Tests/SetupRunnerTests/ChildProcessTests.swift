import Foundation
import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// The engine in a separate process (`runner-child`), so it can really be killed -9 or sent SIGINT.
final class ChildProcessTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    /// kill -9 of the engine while a create is under way, before it created anything; resume re-runs it once.
    func testKillDuringAStepThenResume() async throws {
        try await killAndResume(createWhen: "after", expectedResumeStatus: .done)
    }

    /// kill -9 after the create happened but before the journal heard of it; resume's probe sees it, no second create.
    func testKillAfterTheCreateThenResumeProbesIt() async throws {
        try await killAndResume(createWhen: "before", expectedResumeStatus: .alreadyDone)
    }

    func testSIGINTStopsTheChildGroupAndExits130() async throws {
        let child = try startChild(steps: steps(slowCreate: "before"))
        try await waitForFile("child.pid")
        kill(child.processIdentifier, SIGINT)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 130)
        for name in ["leader.pid", "child.pid"] {
            XCTAssertFalse(isAlive(try XCTUnwrap(fakes.pid(name))), "\(name) survived SIGINT")
        }
        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace))
        XCTAssertEqual(journal.steps.map(\.status), [.done, .interrupted, .pending])
        XCTAssertEqual(journal.result, .interrupted)
    }

    /// kill -9 at arbitrary instants while the journal is rewritten twice per step: every load must succeed.
    func testKillDuringJournalWritesLeavesAReadableJournal() async throws {
        let steps = (0..<400).map { Step(id: .createNodePool(group: "t\($0)"), title: "true \($0)", why: "w", argv: ["/bin/true"], kind: .check) }
        var sawProgress = false
        for delay in [150, 230, 310, 370, 450] {
            try? FileManager.default.removeItem(at: fakes.workspace)
            let child = try startChild(steps: steps)
            try await Task.sleep(for: .milliseconds(delay))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            guard let journal = try Journal.load(workspace: fakes.workspace) else { continue }
            XCTAssertEqual(journal.steps.count, 400)
            if journal.steps.contains(where: { $0.status == .done }) { sawProgress = true }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fakes.workspace.path).filter { $0.contains(".tmp-") }
            XCTAssertLessThanOrEqual(leftovers.count, 1, "at most the one temp file being written when killed")
        }
        XCTAssertTrue(sawProgress, "the kills landed while steps were running")
    }

    private func killAndResume(createWhen: String, expectedResumeStatus: StepStatus) async throws {
        let steps = steps(slowCreate: createWhen)
        let child = try startChild(steps: steps)
        try await waitForFile("child.pid")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        // The step's own group outlives the engine (it has its own process group); clean it up as a user would.
        for name in ["leader.pid", "child.pid"] { if let pid = fakes.pid(name) { kill(pid, SIGKILL) } }

        let journal = try XCTUnwrap(Journal.load(workspace: fakes.workspace), "the journal is readable after kill -9")
        XCTAssertEqual(journal.steps.map(\.status), [.done, .running, .pending])
        XCTAssertNil(journal.result)

        let observer = RecordingObserver()
        let runner = fakes.runner(FakeTools.plan(steps))
        let result = try await runner.run(mode: .resume, observer: observer)
        XCTAssertEqual(result, .succeeded)
        XCTAssertEqual(observer.outcomes.map(\.stepID), [.createKSA, .createBucket], "the done step is not re-run")
        XCTAssertEqual(observer.status(of: .createKSA), expectedResumeStatus)
        XCTAssertEqual(fakes.created(), ["first", "slow", "last"])
    }

    private func steps(slowCreate when: String) -> [Step] {
        [
            Step(id: .createNamespace, title: "First", why: "w", argv: ["gcloud", "create", "first"],
                 probe: Probe(argv: ["gcloud", "describe", "first"]), kind: .create),
            Step(id: .createKSA, title: "Slow create", why: "w", argv: ["gcloud", "slowcreate", "slow", "60", when],
                 probe: Probe(argv: ["gcloud", "describe", "slow"]), kind: .create),
            Step(id: .createBucket, title: "Last", why: "w", argv: ["gcloud", "create", "last"],
                 probe: Probe(argv: ["gcloud", "describe", "last"]), kind: .create),
        ]
    }

    private func startChild(steps: [Step]) throws -> Process {
        // Test bundles run from the build folder; the executables are built next to them.
        let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let child = buildDir.appendingPathComponent("runner-child")
        guard FileManager.default.isExecutableFile(atPath: child.path) else {
            let message = "runner-child is not built next to the tests (\(child.path)); run swift build first"
            // CI (KGW_REQUIRE_TOOLS=1) fails rather than pass on a test it never ran.
            if ProcessInfo.processInfo.environment["KGW_REQUIRE_TOOLS"] == "1" { throw MissingChild(description: message) }
            throw XCTSkip(message)
        }
        let stepsFile = fakes.root.appendingPathComponent("steps.json")
        try JSONEncoder().encode(steps).write(to: stepsFile)
        let process = Process()
        process.executableURL = child
        process.arguments = ["--steps", stepsFile.path, "--workspace", fakes.workspace.path]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(fakes.environment()) { _, new in new }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func waitForFile(_ name: String) async throws {
        let path = fakes.state.appendingPathComponent(name).path
        for _ in 0..<500 {
            if FileManager.default.fileExists(atPath: path) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTFail("\(name) never appeared")
    }
}

private struct MissingChild: Error, CustomStringConvertible {
    var description: String
}
