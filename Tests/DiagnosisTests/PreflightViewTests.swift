import Diagnosis
import Foundation
import RunModel
import RunViews
import SetupPlan
import WizardApp
import Synchronization
import XCTest

/// How preflight's checks are printed: text as each is decided, or one JSON line per check and the verdict.
final class PreflightViewTests: XCTestCase {
    private let checks = [
        Check(id: .billing, title: "Billing", status: .ok, evidence: ["demo-project is billed to billingAccounts/0A1B2C"]),
        Check(id: .gpuQuota, title: "GPU quota in us-west1", status: .broken,
              evidence: ["NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 3"],
              advice: "Request more NVIDIA_L4_GPUS in us-west1\nor start no pods: --set ray.workers[0].minReplicas=0"),
        Check(id: .roles, title: "Your roles on the project", status: .warning, evidence: ["tester@example.com holds roles/viewer"],
              fix: [["gcloud", "projects", "add-iam-policy-binding", "demo-project", "--member", "user:tester@example.com",
                     "--role", "roles/container.admin"]]),
    ]

    private func lines(_ format: PreflightView.Format) -> [String] {
        let written = Mutex<[String]>([])
        let view = PreflightView(format: format) { line in written.withLock { $0.append(line) } }
        view.start()
        for check in checks { view.show(check) }
        view.finish(PreflightSession.verdict(checks))
        return written.withLock { $0 }
    }

    func testTextShowsEachCheckWithItsEvidenceAndFixThenTheVerdict() {
        XCTAssertEqual(lines(.text), [
            "Preflight (read-only: nothing is created until it passes):",
            "  ✓ Billing",
            "      demo-project is billed to billingAccounts/0A1B2C",
            "  ✗ GPU quota in us-west1",
            "      NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 3",
            "      Request more NVIDIA_L4_GPUS in us-west1",
            "      or start no pods: --set ray.workers[0].minReplicas=0",
            "  ! Your roles on the project",
            "      tester@example.com holds roles/viewer",
            "      fix: gcloud projects add-iam-policy-binding demo-project --member user:tester@example.com --role roles/container.admin",
            "Preflight stops the run: GPU quota in us-west1. Nothing was created.",
            "Fix the answers (each check's fix is above), then run again.",
        ])
    }

    func testWarningsFromAPIsNotEnabledYetSayTheRunChecksAgain() {
        let written = Mutex<[String]>([])
        let view = PreflightView(format: .text) { line in written.withLock { $0.append(line) } }
        view.finish(PreflightSession.verdict([checks[0], checks[2]]), waitsForAPIs: true)
        XCTAssertEqual(written.withLock { $0 }.last, "Some APIs are not enabled yet, so their checks are warnings: the run enables them "
                       + "and checks again before it creates anything.")
    }

    func testJSONLinesAreOneEventPerCheckThenTheVerdict() throws {
        let events = try lines(.jsonLines).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(events.map { $0["event"] as? String }, ["preflight-check", "preflight-check", "preflight-check", "preflight-finished"])
        XCTAssertEqual(events.prefix(3).map { $0["id"] as? String }, ["billing", "gpu-quota", "roles"])
        XCTAssertEqual(events.prefix(3).map { $0["status"] as? String }, ["ok", "broken", "warning"])
        XCTAssertEqual(events[2]["fix"] as? [[String]], checks[2].fix)
        XCTAssertEqual(events[3]["passed"] as? Bool, false)
        XCTAssertEqual(events[3]["broken"] as? [String], ["gpu-quota"])
        XCTAssertEqual(events[3]["warnings"] as? [String], ["roles"])
        XCTAssertNotNil(events[3]["time"] as? String)
    }

    func testTheGatesPreflightFinishedHasTheSameBodyAsTheOneBeforeTheRun() async throws {
        let before = Mutex<[String]>([]), gate = Mutex<[String]>([])
        PreflightView(format: .jsonLines) { line in before.withLock { $0.append(line) } }.finish(PreflightSession.verdict(checks))
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-ray-bucket"
        let run = JSONRunView(plan: PlanBuilder.build(answers, checkScript: "check"), workspace: URL(fileURLWithPath: "/tmp/w")) { line in
            gate.withLock { $0.append(line) }
        }
        await run.handle(.gateFinished(PreflightSession.verdict(checks)))
        func body(_ lines: [String]) throws -> NSDictionary {
            let line = try XCTUnwrap(lines.first)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object.filter { $0.key != "time" } as NSDictionary
        }
        let expected: NSDictionary = ["event": "preflight-finished", "passed": false, "broken": ["gpu-quota"], "warnings": ["roles"],
                                      "summary": "Preflight stops the run: GPU quota in us-west1. Nothing was created."]
        XCTAssertEqual(try body(before.withLock { $0 }), expected)
        XCTAssertEqual(try body(gate.withLock { $0 }), expected)
    }
}
