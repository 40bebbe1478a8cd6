import Foundation
import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// The destroy's own journal: an unfinished destroy of the same run continues, anything else starts afresh, and a
/// finished destroy moves the setup journal aside.
final class DestroyRunnerTests: XCTestCase {
    private var fakes: FakeTools!

    override func setUpWithError() throws { fakes = try FakeTools() }
    override func tearDown() { fakes.remove() }

    private func delete(_ name: String) -> Step {
        Step(id: .deleteNodePool(pool: name), title: "Delete \(name)", why: "w", argv: ["gcloud", "delete", name],
             probe: Probe(argv: ["gcloud", "list", name], expect: .not(.nonEmpty)), kind: .delete)
    }

    private func make(_ names: String...) throws {
        try FileManager.default.createDirectory(at: fakes.state.appendingPathComponent("res"), withIntermediateDirectories: true)
        for name in names { try name.write(to: fakes.state.appendingPathComponent("res/\(name)"), atomically: true, encoding: .utf8) }
    }

    /// The setup journal of the run being destroyed.
    private func setupJournal(for plan: Plan) throws {
        try Workspace(url: fakes.workspace).create()
        try Journal(normalizedAnswers: AnswersFile.normalizedYAML(plan.answers), steps: []).save(workspace: fakes.workspace)
    }

    func testAFailedDestroyContinuesAndTheFinishedOneMovesTheSetupJournalAside() async throws {
        let plan = FakeTools.plan([delete("a"), delete("b")])
        try make("a", "b")
        try setupJournal(for: plan)
        let failing = DestroyRunner(plan: plan, workspace: fakes.workspace, options: fakes.options(["FAKE_FAIL": "delete b"]))
        XCTAssertFalse(try failing.continuesUnfinished())
        let first = try await failing.run(observer: RecordingObserver())
        XCTAssertEqual(first, .failed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fakes.workspace.appendingPathComponent(WorkspaceFiles.journal).path))

        let runner = DestroyRunner(plan: plan, workspace: fakes.workspace, options: fakes.options())
        XCTAssertTrue(try runner.continuesUnfinished())
        let observer = RecordingObserver()
        let second = try await runner.run(observer: observer)
        XCTAssertEqual(second, .succeeded)
        XCTAssertEqual(observer.outcomes.map(\.stepID), [.deleteNodePool(pool: "b")], "the finished deletion is not run again")
        XCTAssertEqual(fakes.deleted(), ["a", "b"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: fakes.workspace.appendingPathComponent(WorkspaceFiles.journal).path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fakes.workspace.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal).path))
        XCTAssertEqual(try Journal.load(from: fakes.workspace.appendingPathComponent(WorkspaceFiles.destroyJournal))?.result, .succeeded)
    }

    func testAnotherRunsDestroyJournalIsReplacedNotContinued() async throws {
        var other = FakeTools.plan([delete("a")])
        other.answers.project = "other-project"
        try make("a")
        _ = try await DestroyRunner(plan: other, workspace: fakes.workspace, options: fakes.options(["FAKE_FAIL": "delete a"]))
            .run(observer: RecordingObserver())
        let plan = FakeTools.plan([delete("a")])
        try setupJournal(for: plan)
        let runner = DestroyRunner(plan: plan, workspace: fakes.workspace, options: fakes.options())
        XCTAssertFalse(try runner.continuesUnfinished(), "an unfinished destroy of other answers")
        let result = try await runner.run(observer: RecordingObserver())
        XCTAssertEqual(result, .succeeded)
        let journal = try XCTUnwrap(Journal.load(from: fakes.workspace.appendingPathComponent(WorkspaceFiles.destroyJournal)))
        XCTAssertTrue(journal.isFor(normalizedAnswers: AnswersFile.normalizedYAML(plan.answers)))
    }
}
