import RunModel
import SetupPlan
import SetupRunner
import XCTest
@testable import WizardApp

/// Which destroy a workspace holds: none without a run, the plan from the setup journal, an unfinished one to resume.
final class DestroySessionTests: XCTestCase {
    private let answers = Answers.demo

    /// A setup journal of `answers` with every step of their plan `done`.
    private func finishedSetup(in folder: URL) throws -> Plan {
        let plan = RunSession.plan(for: answers)
        try Workspace(url: folder).create()
        var journal = Journal(normalizedAnswers: AnswersFile.normalizedYAML(answers), steps: plan.steps)
        for index in journal.steps.indices { journal.steps[index].status = .done }
        journal.result = .succeeded
        try journal.save(workspace: folder)
        return plan
    }

    func testNoRunNothingToDestroy() throws {
        let scratch = try Scratch()
        XCTAssertThrowsError(try DestroySession.load(workspace: scratch.root, options: DestroyOptions())) {
            XCTAssertEqual($0 as? ExitStatus, ExitStatus(2))
        }
        XCTAssertNil(try DestroySession.unfinished(workspace: scratch.root))
    }

    func testThePlanUndoesWhatTheJournalSaysWasMade() throws {
        let scratch = try Scratch()
        _ = try finishedSetup(in: scratch.root)
        let session = try XCTUnwrap(DestroySession.load(workspace: scratch.root, options: DestroyOptions()))
        XCTAssertEqual(AnswersFile.normalizedYAML(session.destroy.plan.answers), AnswersFile.normalizedYAML(answers))
        let ids = session.destroy.plan.steps.map(\.id)
        XCTAssertEqual(ids.first, .checkClusterUnused, "a cluster it made is checked for other workloads first")
        XCTAssertTrue(ids.contains(.deleteCluster) && ids.contains(.delete(.raycluster)), "\(ids)")
        XCTAssertFalse(ids.contains(.deleteBucket), "the bucket stays without --delete-bucket")
        XCTAssertEqual(DestroySession.options(of: Journal(normalizedAnswers: "", steps: session.destroy.plan.steps)),
                       DestroyOptions(deleteBucket: false, force: false))
        let forced = try XCTUnwrap(DestroySession.load(workspace: scratch.root, options: DestroyOptions(deleteBucket: true, force: true)))
        XCTAssertEqual(DestroySession.options(of: Journal(normalizedAnswers: "", steps: forced.destroy.plan.steps)),
                       DestroyOptions(deleteBucket: true, force: true), "resume continues with the choices the destroy began with")
    }

    /// The wizard opens on the Resume screen for a destroy that stopped, with the choices it ran with.
    func testTheWizardOpensOnAnUnfinishedDestroy() throws {
        let scratch = try Scratch()
        _ = try finishedSetup(in: scratch.root)
        let session = try XCTUnwrap(DestroySession.load(workspace: scratch.root, options: DestroyOptions(deleteBucket: true)))
        var journal = Journal(normalizedAnswers: AnswersFile.normalizedYAML(answers), steps: session.destroy.plan.steps)
        journal.steps[0].status = .done
        journal.steps[1].status = .failed
        journal.result = .failed
        // Written after the setup journal: the destroy came last.
        journal.updatedAt = ISOTime.string(Date().addingTimeInterval(2))
        try journal.save(to: scratch.root.appendingPathComponent(WorkspaceFiles.destroyJournal))

        let setup = try SessionSetup(workspace: scratch.root.path, options: RunOptions(), colors: .never)
        XCTAssertEqual(setup.destroyJournal?.steps.map(\.status).prefix(3), [.done, .failed, .pending])
        let state = setup.firstState()
        XCTAssertEqual(state.screen, .resume)
        XCTAssertEqual(state.resumeActions, [.resume, .quit])
        XCTAssertEqual(DestroyOptions(ofSteps: state.destroyJournal?.steps.map(\.id) ?? []), DestroyOptions(deleteBucket: true))
    }

    func testAFinishedDestroyLeavesNothingToDestroy() throws {
        let scratch = try Scratch()
        let plan = try finishedSetup(in: scratch.root)
        var destroyed = Journal(normalizedAnswers: AnswersFile.normalizedYAML(plan.answers), steps: [])
        destroyed.result = .succeeded
        try destroyed.save(to: scratch.root.appendingPathComponent(WorkspaceFiles.destroyJournal))
        try DestroyRunner.archiveSetupJournal(workspace: scratch.root)
        XCTAssertNil(try DestroySession.load(workspace: scratch.root, options: DestroyOptions()))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.root.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal).path))
    }
}
