import SetupPlan
import XCTest
@testable import WizardApp

/// The files `export`, `apply` and the wizard's Save write: what is in them and who may read them.
final class WorkspaceExportTests: XCTestCase {
    func testTheFilesArePrivateAndHoldThePlan() throws {
        let scratch = try Scratch()
        let plan = RunSession.plan(for: try AnswersFile.load(yaml: "project: demo-project\nbucket:\n  name: my-bucket\n"))
        let folder = scratch.root.appendingPathComponent("ws")
        let written = try WorkspaceExport.write(plan, to: folder)
        XCTAssertEqual(written, [WorkspaceFiles.answers, WorkspaceFiles.manifest, WorkspaceFiles.manualAuthManifest,
                                 WorkspaceFiles.rayJob, WorkspaceFiles.ownClusterRayJob, WorkspaceFiles.script]
            .map { folder.appendingPathComponent($0).path })
        for (name, text) in plan.rayJobFiles {
            XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), text)
            XCTAssertEqual(try scratch.permissions("ws/\(name)"), 0o600)
        }
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.answers), encoding: .utf8),
                       AnswersFile.normalizedYAML(plan.answers))
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.manifest), encoding: .utf8), plan.manifest)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.manualAuthManifest), encoding: .utf8),
                       plan.manualAuthManifest)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.manualAuthManifest)"), 0o600)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.script), encoding: .utf8), SetupScript.render(plan))
        XCTAssertEqual(try scratch.permissions("ws"), 0o700)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.logs)"), 0o700)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.answers)"), 0o600)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.manifest)"), 0o600)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.script)"), 0o700)
        // The written answers read back as the same plan.
        let again = try AnswersFile.load(yaml: String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.answers), encoding: .utf8))
        XCTAssertEqual(RunSession.plan(for: again).steps, plan.steps)
    }

    func testTheNetworkPolicyIsWrittenBesideTheRayCluster() throws {
        let scratch = try Scratch()
        let plan = RunSession.plan(for: try AnswersFile.load(yaml: "project: demo-project\nbucket:\n  name: my-bucket\nray:\n  networkPolicy: true\n"))
        let folder = scratch.root.appendingPathComponent("ws")
        let written = try WorkspaceExport.write(plan, to: folder)
        XCTAssertTrue(written.contains(folder.appendingPathComponent(WorkspaceFiles.networkPolicy).path), "\(written)")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.networkPolicy), encoding: .utf8), plan.networkPolicy)
        XCTAssertEqual(try scratch.permissions("ws/\(WorkspaceFiles.networkPolicy)"), 0o600)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent(WorkspaceFiles.answers), encoding: .utf8).contains("networkPolicy: true"))
    }
}
