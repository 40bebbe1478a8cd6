import RunModel
import SetupPlan
import SetupRunner
import XCTest
@testable import WizardApp

/// What the wizard opens with: a new workspace's defaults, a saved answers file, an earlier run's journal.
final class SessionSetupTests: XCTestCase {
    func testANewWorkspaceStartsFromTheDefaults() throws {
        let scratch = try Scratch()
        let setup = try SessionSetup(workspace: scratch.root.appendingPathComponent("new").path, options: RunOptions(), colors: .never)
        XCTAssertEqual(setup.answers, Answers())
        XCTAssertNil(setup.journal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: setup.folder.path), "nothing is made before it is needed")
    }

    func testSavedAnswersAndAnEarlierRunsJournal() async throws {
        let scratch = try Scratch()
        let answers = Answers.demo
        let plan = Plan(answers: answers, steps: [Step(id: .checkGcloud, title: "Check gcloud", why: "w", argv: ["false"], kind: .check)],
                        manifest: "", checkScript: "")
        let folder = scratch.root.appendingPathComponent("ws")
        let result = try await SetupRunner(plan: plan, workspace: folder).run(mode: .fresh, observer: ClosureObserver { _ in })
        XCTAssertEqual(result, .failed)
        let fromJournal = try SessionSetup(workspace: folder.path, options: RunOptions(), colors: .never)
        XCTAssertEqual(AnswersFile.normalizedYAML(fromJournal.answers), AnswersFile.normalizedYAML(answers), "no answers.yaml: the journal's answers")
        XCTAssertEqual(fromJournal.journal?.steps.map(\.status), [.failed])
        XCTAssertTrue(fromJournal.journal?.isUnfinished ?? false)

        try scratch.write("ws/answers.yaml", "project: saved-project\nbucket:\n  name: saved-bucket\n")
        XCTAssertEqual(try SessionSetup(workspace: folder.path, options: RunOptions(), colors: .never).answers.project, "saved-project")
    }

    func testACorruptJournalStopsBeforeTheTerminalIsTaken() throws {
        let scratch = try Scratch()
        try scratch.write("ws/state.json", "{\"formatVersion\": 2, \"steps\": [")
        XCTAssertThrowsError(try SessionSetup(workspace: scratch.root.appendingPathComponent("ws").path, options: RunOptions(), colors: .never)) {
            XCTAssertEqual($0 as? ExitStatus, ExitStatus(2))
        }
    }
}
