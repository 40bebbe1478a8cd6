import SetupPlan
import XCTest
@testable import WizardApp

/// Where a command's answers come from: a file, `--set` after it, the workspace's file when none is named.
final class AnswersSourceTests: XCTestCase {
    func testAFileThenItsOverrides() throws {
        let scratch = try Scratch()
        let file = try scratch.write("a.yaml", "project: demo-project\nbucket:\n  name: from-file\n")
        let answers = try AnswersSource(file: file.path, overrides: ["bucket.name=from-set"]).load()
        XCTAssertEqual(answers.project, "demo-project")
        XCTAssertEqual(answers.bucket.name, "from-set")
    }

    func testAMissingFileOrInvalidAnswersExit2() throws {
        let scratch = try Scratch()
        XCTAssertThrowsError(try AnswersSource(file: scratch.root.appendingPathComponent("none.yaml").path).load()) {
            XCTAssertEqual($0 as? ExitStatus, ExitStatus(2))
        }
        XCTAssertThrowsError(try AnswersSource(overrides: ["project=Not A Project"]).load()) {
            XCTAssertEqual($0 as? ExitStatus, ExitStatus(2))
        }
    }

    func testTheWorkspacesAnswersWhenNoFileIsNamed() {
        XCTAssertEqual(AnswersSource(overrides: ["zone=a"]).orWorkspace("ws"),
                       AnswersSource(file: URL(fileURLWithPath: "ws").appendingPathComponent("answers.yaml").path, overrides: ["zone=a"]))
        XCTAssertEqual(AnswersSource(file: "mine.yaml").orWorkspace("ws"), AnswersSource(file: "mine.yaml"))
        XCTAssertEqual(AnswersSource().orWorkspace(nil), AnswersSource())
    }
}
