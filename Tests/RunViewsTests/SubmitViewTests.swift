import Foundation
import RunModel
import RunViews
import XCTest

/// `submit`'s lines: the job's own output set apart, KubeRay's reason and message on a failure, and JSON Lines with
/// the same facts.
final class SubmitViewTests: XCTestCase {
    private let failed = SubmitEvent.finished(.failed(reason: "AppFailed", message: "Job entrypoint command failed with exit code 1, "
        + "last available logs (truncated to 20,000 chars):\nupload: HTTP 403"))

    func testTextSetsTheJobsOutputApartAndSaysWhyItFailed() {
        XCTAssertEqual(SubmitView.text(.written(job: "j-x7k2p", path: "/w/jobs/j-x7k2p.yaml", entrypoint: "python -c 'a\nb'")),
                       ["RayJob j-x7k2p: python -c 'a ...", "  written to /w/jobs/j-x7k2p.yaml"])
        XCTAssertEqual(SubmitView.text(.status(RayJobStatus(jobStatus: "RUNNING", jobDeploymentStatus: "Running"))),
                       ["  status: Running, job RUNNING"])
        XCTAssertEqual(SubmitView.text(.log("wrote gs://b/o")), ["  | wrote gs://b/o"])
        XCTAssertEqual(SubmitView.text(failed), ["Failed (AppFailed):", "  Job entrypoint command failed with exit code 1, last available "
            + "logs (truncated to 20,000 chars):", "  upload: HTTP 403"])
    }

    func testJSONLinesCarryTheResultAndExitCode() throws {
        let lines = LineBox()
        let view = SubmitView(json: true) { lines.append($0) }
        view.show(.log("hello"))
        view.show(failed)
        let objects = try lines.all.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects[0]["event"] as? String, "job-output")
        XCTAssertEqual(objects[0]["line"] as? String, "hello")
        XCTAssertEqual(objects[1]["event"] as? String, "job-finished")
        XCTAssertEqual(objects[1]["result"] as? String, "failed")
        XCTAssertEqual(objects[1]["reason"] as? String, "AppFailed")
        XCTAssertEqual(objects[1]["exitCode"] as? Int, 1)
    }

    func testTheOutcomeWaitsForKubeRaysDeploymentStatus() {
        XCTAssertNil(RayJobStatus(jobStatus: "SUCCEEDED", jobDeploymentStatus: "Running").outcome)
        XCTAssertEqual(RayJobStatus(jobStatus: "SUCCEEDED", jobDeploymentStatus: "Complete").outcome, .succeeded)
        XCTAssertEqual(RayJobStatus(jobStatus: "", jobDeploymentStatus: "Failed", reason: "SubmissionFailed", message: "m").outcome,
                       .failed(reason: "SubmissionFailed", message: "m"))
    }
}

private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
