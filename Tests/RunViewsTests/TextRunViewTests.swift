import Foundation
import RunViews
import SetupPlan
import RunModel
import XCTest

/// The printed text of a run: a line when a step starts and when it ends, the failure report, the closing lines.
final class TextRunViewTests: XCTestCase {
    func testStepLineFormat() {
        XCTAssertEqual(StepLine.text(index: 4, total: 14, title: "Create the IAM service account", status: "done", detail: "1.8s"),
                       "[ 5/14] Create the IAM service account ................. done 1.8s")
        let long = StepLine.text(index: 4, total: 19, title: "Enable the GKE, Cloud Storage and IAM Credentials APIs",
                                 status: "already done", detail: "12m 05s")
        XCTAssertEqual(long, "[ 5/19] Enable the GKE, Cloud Storage and IAM Crede… ... already done 12m 05s")
        XCTAssertLessThanOrEqual(long.count, 79, "one line in 80 columns")
    }

    func testFailureReport() {
        let outcome = StepOutcome(index: 4, stepID: .createIAMServiceAccount, status: .failed, exitCode: 1,
                                  hint: Hint(summary: "Permission denied.", fix: "Ask an owner."), seconds: 1.2,
                                  logPath: "logs/05-create-sa.log", stderrTail: (1...25).map { "line \($0)" })
        let text = FailureReport.text(outcome: outcome, title: "Create the IAM service account", total: 14,
                                      workspace: URL(fileURLWithPath: "/tmp/ws"),
                                      resumeCommand: WorkspaceFiles.resumeCommand(workspace: "/tmp/my ws"))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Step 5/14 failed: Create the IAM service account (exit 1)")
        XCTAssertEqual(lines.filter { $0.hasPrefix("  | ") }.count, 20)
        XCTAssertTrue(lines.contains("  | line 25"))
        XCTAssertFalse(lines.contains("  | line 5"))
        XCTAssertTrue(lines.contains("Hint: Permission denied."))
        XCTAssertTrue(lines.contains("Full log: /tmp/ws/logs/05-create-sa.log"))
        XCTAssertEqual(lines.last, "When fixed, continue with: kuberay-gcs-wizard resume --workspace '/tmp/my ws'")
    }

    func testALineWhenAStepStartsAndOneWhenItEnds() async {
        let printed = LinesBox()
        let view = TextRunView(plan: Self.plan, workspace: Self.workspace, write: { printed.append($0) })
        await Self.send(Self.failingRun, to: view)
        let lines = printed.lines
        XCTAssertTrue(lines[0].hasPrefix("[1/8] Check the gcloud account ...") && lines[0].hasSuffix(" started"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("[1/8] Check the gcloud account ...") && lines[1].contains(" done "), lines[1])
        XCTAssertTrue(lines[8].hasPrefix("[5/8] Create the IAM service account ...") && lines[8].hasSuffix(" started"), lines[8])
        XCTAssertTrue(lines[9].hasPrefix("[5/8] Create the IAM service account ...") && lines[9].contains(" FAILED "), lines[9])
        XCTAssertTrue(lines[10].hasPrefix("Step 5/8 failed"), lines[10])
        XCTAssertTrue(lines[10].contains("When fixed, continue with: kuberay-gcs-wizard resume --workspace /tmp/ws"), lines[10])
        XCTAssertEqual(lines.count, 11, "nothing after the failure report: \(lines)")

        let resumed = LinesBox()
        await Self.send(Self.resumedRun(verified: nil), to: TextRunView(plan: Self.plan, workspace: Self.workspace,
                                                                        write: { resumed.append($0) }))
        XCTAssertTrue(resumed.lines[0].contains("done (earlier run)"), resumed.lines[0])
        XCTAssertEqual(resumed.lines.last, "All 8 steps complete in 1m 02s.")
    }

    func testASuccessfulRunClosesWithTheVerifiedTextAndTheDashboard() async {
        let printed = LinesBox()
        let view = TextRunView(plan: Self.plan, workspace: Self.workspace, closingLines: ["Dashboard: kubectl port-forward svc 8265:8265"],
                               write: { printed.append($0) })
        // The verify step's output: one line per Ray node, then the summary the closing line quotes.
        await Self.send(Self.resumedRun(verified: "headgroup rc-head-x7k2p ok\nworkers rc-workers-worker-9qz4d ok\nhead ok, workers-9qz4d ok"), to: view)
        XCTAssertEqual(Array(printed.lines.suffix(3)), [
            "All 8 steps complete in 1m 02s.",
            "A test object written, read and deleted on every Ray node: head ok, workers-9qz4d ok",
            "Dashboard: kubectl port-forward svc 8265:8265",
        ])

        let failed = LinesBox()
        await Self.send(Self.failingRun, to: TextRunView(plan: Self.plan, workspace: Self.workspace,
                                                         closingLines: ["Dashboard: kubectl port-forward svc 8265:8265"],
                                                         write: { failed.append($0) }))
        XCTAssertFalse(failed.lines.contains { $0.hasPrefix("Dashboard:") }, "\(failed.lines)")
    }

    func testColourOnlyWhenAskedForAndOnlyOnStatusWords() async {
        let plain = LinesBox(), colored = LinesBox()
        await Self.send(Self.failingRun, to: TextRunView(plan: Self.plan, workspace: Self.workspace, write: { plain.append($0) }))
        await Self.send(Self.failingRun, to: TextRunView(plan: Self.plan, workspace: Self.workspace, color: true,
                                                         write: { colored.append($0) }))
        XCTAssertFalse(plain.lines.contains { $0.contains("\u{1B}") }, "\(plain.lines)")
        XCTAssertEqual(colored.lines.count, plain.lines.count)
        XCTAssertTrue(colored.lines[1].contains(" \u{1B}[32mdone\u{1B}[0m "), colored.lines[1])
        XCTAssertTrue(colored.lines[9].contains(" \u{1B}[1;31mFAILED\u{1B}[0m "), colored.lines[9])
        // Without the colour codes the text is the same.
        let stripped = colored.lines.map { $0.replacingOccurrences(of: #"\x{1B}\[[0-9;]*m"#, with: "", options: .regularExpression) }
        XCTAssertEqual(stripped, plain.lines)
    }

    func testInterruptedRunSaysHowToContinue() async {
        let printed = LinesBox()
        let view = TextRunView(plan: Self.plan, workspace: Self.workspace, write: { printed.append($0) })
        await Self.send([.runStarted(steps: 8, statuses: Array(repeating: .pending, count: 8)),
                         .stepStarted(index: 0, stepID: .checkGcloud),
                         .stepFinished(StepOutcome(index: 0, stepID: .checkGcloud, status: .interrupted, seconds: 0.3,
                                                   logPath: "logs/01-check-account.log")),
                         .runFinished(result: .interrupted, seconds: 0.3)], to: view)
        XCTAssertEqual(printed.lines.last, "Interrupted. Continue with: kuberay-gcs-wizard resume --workspace /tmp/ws")
    }

    func testVerboseShowsEveryOutputLineMarkedByItsStream() async {
        let verbose = LinesBox(), quiet = LinesBox()
        let lines = OutputLines(index: 0, stepID: Self.plan.steps[0].id, stream: .stdout, lines: ["one", "two"])
        let errors = OutputLines(index: 0, stepID: Self.plan.steps[0].id, stream: .stderr, lines: ["oops"])
        for (box, show) in [(verbose, true), (quiet, false)] {
            let view = TextRunView(plan: Self.plan, workspace: Self.workspace, showOutput: show, write: { box.append($0) })
            await view.handle(output: lines)
            await view.handle(output: errors)
        }
        XCTAssertEqual(verbose.lines, ["  | one", "  | two", "  ! oops"])
        XCTAssertEqual(quiet.lines, [])
    }

    /// Two steps running at once: each start and each end is a line of its own that names its step.
    func testStepsRunningAtOnceEachGetAStartedAndAnEndLine() async {
        let box = LinesBox()
        let view = TextRunView(plan: Self.plan, workspace: Self.workspace, write: { box.append($0) })
        let first = Self.plan.steps[0].id, second = Self.plan.steps[1].id
        for event: RunEvent in [
            .stepStarted(index: 0, stepID: first), .stepStarted(index: 1, stepID: second),
            .stepFinished(StepOutcome(index: 1, stepID: second, status: .done, seconds: 1.5, logPath: "logs/02.log")),
            .stepFinished(StepOutcome(index: 0, stepID: first, status: .alreadyDone, seconds: 2, logPath: "logs/01.log")),
        ] { await view.handle(event) }
        XCTAssertEqual(box.lines.count, 4, "\(box.lines)")
        XCTAssertTrue(box.lines[0].hasPrefix("[1/8] Check the gcloud account ") && box.lines[0].hasSuffix(" started"), "\(box.lines)")
        XCTAssertTrue(box.lines[1].hasPrefix("[2/8] ") && box.lines[1].hasSuffix(" started"), "\(box.lines)")
        XCTAssertTrue(box.lines[2].hasPrefix("[2/8] ") && box.lines[2].hasSuffix(" done 1.5s"), "\(box.lines)")
        XCTAssertTrue(box.lines[3].hasPrefix("[1/8] ") && box.lines[3].hasSuffix(" already done 2.0s"), "\(box.lines)")
    }

    // MARK: - Runs as the engine reports them

    private static let workspace = URL(fileURLWithPath: "/tmp/ws")

    /// Eight steps shaped like the setup plan's, the last the bucket check.
    private static let plan: Plan = {
        let shape: [(StepID, String, StepKind)] = [
            (.checkGcloud, "Check the gcloud account", .check), (.enableAPIs, "Enable the APIs", .configure),
            (.createCluster, "Create the GKE cluster", .create), (.readProjectNumber, "Read the project number", .check),
            (.createIAMServiceAccount, "Create the IAM service account", .create), (.bindWorkloadIdentity, "Bind Workload Identity", .configure),
            (.installOperator, "Install the KubeRay operator", .create), (.verifyBucket, "Read back the test object", .verify),
        ]
        let steps = shape.map { Step(id: $0.0, title: $0.1, why: "w", argv: ["true"], kind: $0.2) }
        return Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "")
    }()

    private static func finished(_ index: Int, _ status: StepStatus, seconds: Double = 1.5, result: String? = nil,
                                 exitCode: Int32? = nil, stderrTail: [String] = []) -> [RunEvent] {
        let id = plan.steps[index].id
        return [.stepStarted(index: index, stepID: id),
                .stepFinished(StepOutcome(index: index, stepID: id, status: status, exitCode: exitCode, seconds: seconds,
                                          logPath: "logs/0\(index + 1)-\(id).log", stderrTail: stderrTail, result: result))]
    }

    /// A fresh run whose fifth step fails.
    private static let failingRun: [RunEvent] =
        [.runStarted(steps: 8, statuses: Array(repeating: .pending, count: 8))]
        + (0..<4).flatMap { finished($0, .done) }
        + finished(4, .failed, exitCode: 1, stderrTail: ["ERROR: (gcloud) injected failure"])
        + [.runFinished(result: .failed, seconds: 7.5)]

    /// The same run resumed: the first four steps count from the earlier run, the rest succeed.
    private static func resumedRun(verified: String?) -> [RunEvent] {
        [.runStarted(steps: 8, statuses: Array(repeating: .done, count: 4) + [.failed] + Array(repeating: .pending, count: 3))]
            + (4..<7).flatMap { finished($0, .done) }
            + finished(7, .done, result: verified)
            + [.runFinished(result: .succeeded, seconds: 62.4)]
    }

    /// A fresh run in which every step succeeds.
    private static let freshRun: [RunEvent] =
        [.runStarted(steps: 8, statuses: Array(repeating: .pending, count: 8))]
        + (0..<8).flatMap { finished($0, .done) }
        + [.runFinished(result: .succeeded, seconds: 12)]

    private static func send(_ events: [RunEvent], to view: TextRunView) async {
        for event in events { await view.handle(event) }
    }
}

/// Collects printed lines from the view's `write` closure.
final class LinesBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
