import Diagnosis
import SetupPlan
import Synchronization
import XCTest
@testable import WizardApp

/// How the one doctor session runs reads: a few at a time, a transport failure tried again, each check shown once
/// as soon as it is decided; and with real processes, as the wizard and `doctor` run it.
final class DoctorSessionTests: XCTestCase {
    private let answers = Answers.demo

    func testReadsRunAFewAtATimeAndFailedOnesAreTriedAgain() async {
        let doctor = Doctor(answers: answers, probeScript: "probe")
        let counts = Mutex((running: 0, most: 0, calls: [String: Int]()))
        let shown = Mutex<[CheckID]>([])
        let checks = await DoctorSession.run(doctor, read: { read in
            counts.withLock { $0.running += 1; $0.most = max($0.most, $0.running); $0.calls[read.id, default: 0] += 1 }
            try? await Task.sleep(for: .milliseconds(5))
            counts.withLock { $0.running -= 1 }
            // One Ray pod runs, so its in-pod probe is read (three tries); every other read fails as a missing tool does.
            if read.id == "pods" { return ReadResult(exitCode: 0, stdout: Self.onePod) }
            return ReadResult(exitCode: nil, stdout: "", stderr: "gcloud: not found")
        }, show: { check in shown.withLock { $0.append(check.id) } })
        let seen = counts.withLock { $0 }
        XCTAssertEqual(seen.most, DoctorSession.parallelReads, "four reads at a time, no more")
        for read in doctor.reads(after: [:]) {
            XCTAssertEqual(seen.calls[read.id], read.attempts, read.id)
        }
        XCTAssertEqual(seen.calls["exec:raycluster-mini-head-1"], 3, "the probe's exec is tried again while it fails")
        XCTAssertEqual(shown.withLock { $0 }, checks.map(\.id), "each check shown once, in chain order")
        XCTAssertEqual(checks.first?.id, .gcloud)
        XCTAssertEqual(checks.first?.status, .broken)
        XCTAssertFalse(Doctor.healthy(checks))
    }

    private static let onePod = #"{"items":[{"metadata":{"name":"raycluster-mini-head-1","labels":{"ray.io/node-type":"head"}},"#
        + #""status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}]}"#

    func testReadsRunAsProcessesWithTheSessionsEnvironment() async throws {
        let scratch = try Scratch()
        try scratch.tool("gcloud", """
        if [ "$1 $2 $3" = "config get-value account" ]; then echo alice@example.com; exit 0; fi
        echo "ERROR: (gcloud) NOT_FOUND: $*" >&2; exit 1
        """)
        let doctor = Doctor(answers: answers, exec: false, probeScript: "probe")
        let checks = await DoctorSession.run(doctor, environment: scratch.environment) { _ in }
        let gcloud = try XCTUnwrap(checks.first)
        XCTAssertEqual(gcloud.id, .gcloud)
        XCTAssertEqual(gcloud.status, .broken)
        XCTAssertEqual(gcloud.evidence.first, "account alice@example.com", "the fake's answer, read through a real process")
        XCTAssertTrue(gcloud.evidence.last?.contains("NOT_FOUND: projects describe demo-project") ?? false, "\(gcloud.evidence)")
    }
}
