import RunModel
import SetupPlan
import SetupRunner
import XCTest
@testable import WizardApp

/// What `session` and `submit` run on: a setup the workspace finished, else exit 2 before anything is started.
final class FinishedSetupTests: XCTestCase {
    private let answers = Answers.demo

    private func journal(in folder: URL, result: RunResult?) throws {
        try Workspace(url: folder).create()
        var journal = Journal(normalizedAnswers: AnswersFile.normalizedYAML(answers), steps: RunSession.plan(for: answers).steps)
        journal.result = result
        try journal.save(workspace: folder)
    }

    func testAFinishedSetupGivesItsAnswers() throws {
        let scratch = try Scratch()
        try journal(in: scratch.root, result: .succeeded)
        let loaded = try FinishedSetup.answers(workspace: scratch.root.path, command: "session")
        XCTAssertEqual(AnswersFile.normalizedYAML(loaded), AnswersFile.normalizedYAML(answers))
    }

    func testNoSetupAnUnfinishedOneOrADestroyedOneExits2() throws {
        let none = try Scratch()
        let unfinished = try Scratch()
        try journal(in: unfinished.root, result: .failed)
        let destroyed = try Scratch()
        try journal(in: destroyed.root, result: .succeeded)
        try FileManager.default.moveItem(at: Workspace(url: destroyed.root).journalURL,
                                         to: destroyed.root.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal))
        for folder in [none.root, unfinished.root, destroyed.root] {
            XCTAssertThrowsError(try FinishedSetup.answers(workspace: folder.path, command: "submit"), folder.path) {
                XCTAssertEqual($0 as? ExitStatus, ExitStatus(2))
            }
        }
    }
}
