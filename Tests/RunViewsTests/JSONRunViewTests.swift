import Foundation
import RunModel
import RunViews
import SetupPlan
import Synchronization
import XCTest

/// The JSON Lines a run prints for CI: each step event carries the step's `step`, `index` (1-based) and `title`
/// beside its own keys, as README's table lists them.
final class JSONRunViewTests: XCTestCase {
    private let plan: Plan = {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        return PlanBuilder.build(answers, checkScript: "")
    }()

    private func lines(_ events: [RunEvent]) async throws -> [[String: Any]] {
        let written = Mutex<[String]>([])
        let view = JSONRunView(plan: plan, workspace: URL(fileURLWithPath: "/w"), write: { line in written.withLock { $0.append(line) } })
        for event in events { await view.handle(event) }
        return try written.withLock { $0 }.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func testStepEventsCarryTheStepAndTheirOwnKeys() async throws {
        let id = plan.steps[2].id
        let wait = StepWait(what: "the IAM bindings to take effect", deadlineSeconds: nil, elapsedSeconds: 65, retryInSeconds: 20,
                            attempt: 3, reason: "403")
        let failed = StepOutcome(index: 2, stepID: id, status: .failed, exitCode: 7, timedOut: true, seconds: 9, logPath: "logs/03-x.log",
                                 stderrTail: ["boom"])
        let done = StepOutcome(index: 2, stepID: id, status: .done, exitCode: 0, seconds: 1, logPath: "logs/03-x.log")
        let objects = try await lines([
            .stepStarted(index: 2, stepID: id),
            .stepNote(index: 2, stepID: id, note: "checking"),
            .stepWaiting(index: 2, stepID: id, wait: wait),
            .output(index: 2, stepID: id, stream: .stderr, line: "a line"),
            .stepFinished(failed),
            .stepFinished(done),
        ])
        let step: Set<String> = ["event", "time", "step", "index", "title"]
        XCTAssertEqual(objects.map { $0["event"] as? String },
                       ["step-started", "step-note", "step-waiting", "output", "step-failed", "step-finished"])
        for object in objects {
            XCTAssertEqual(object["step"] as? String, id.rawValue)
            XCTAssertEqual(object["index"] as? Int, 3)
            XCTAssertEqual(object["title"] as? String, plan.steps[2].title)
        }
        XCTAssertEqual(Set(objects[0].keys), step)
        XCTAssertEqual(Set(objects[1].keys), step.union(["note"]))
        // A wait without a deadline leaves the key out.
        XCTAssertEqual(Set(objects[2].keys), step.union(["waitingFor", "seconds", "retryInSeconds", "attempt", "reason"]))
        XCTAssertEqual(objects[2]["seconds"] as? Double, 65)
        XCTAssertEqual(Set(objects[3].keys), step.union(["stream", "line"]))
        XCTAssertEqual(objects[3]["stream"] as? String, "stderr")
        // A timed-out step has no exit status and no hint: both null, not missing.
        XCTAssertEqual(Set(objects[4].keys), step.union(["exitCode", "seconds", "hint", "stderrTail", "log", "resume"]))
        XCTAssertTrue(objects[4]["exitCode"] is NSNull)
        XCTAssertTrue(objects[4]["hint"] is NSNull)
        XCTAssertEqual(objects[4]["log"] as? String, "/w/logs/03-x.log")
        XCTAssertEqual(Set(objects[5].keys), step.union(["status", "seconds"]))
        XCTAssertEqual(objects[5]["status"] as? String, "done")
    }
}
