import XCTest
import Cells
import Foundation
import SetupPlan
import RunModel
import WizardModel
@testable import WizardView

final class RenderTests: XCTestCase {
    /// Every screen at every size from 1x1 to 100x30 draws without trapping. Below the minimum size the
    /// renderer shows the same message whatever the state, so the model's re-layout there is checked at a few sizes.
    /// The screens are drawn on every core at once (the renderer and `update` are pure); each wrong size is kept
    /// with its screen and size, and all of them reported.
    func testEverySizeDownTo1x1() {
        let scenarios = Scenarios.all
        let wrong = NSLock()
        nonisolated(unsafe) var wrongSizes: [String] = []
        DispatchQueue.concurrentPerform(iterations: scenarios.count) { index in
            let (name, state) = scenarios[index]
            var found: [String] = []
            func check(_ frame: Size, _ size: Size) {
                if frame != size { found.append("\(name): drawn at \(frame.columns)x\(frame.rows), asked for \(size.columns)x\(size.rows)") }
            }
            for columns in 1...100 {
                for rows in 1...30 {
                    let size = Size(columns: columns, rows: rows)
                    var sized = state
                    if Layout.fits(size) { _ = update(&sized, .resize(size)) }
                    check(WizardView.render(sized, size: size).size, size)
                }
            }
            for size in [Size(columns: 1, rows: 1), Size(columns: 2, rows: 30), Size(columns: 79, rows: 23), Size(columns: 0, rows: 0)] {
                var sized = state
                _ = update(&sized, .resize(size))
                check(WizardView.render(sized, size: size).size, size)
                _ = update(&sized, .resize(.minimum))
                check(WizardView.render(sized, size: .minimum).size, .minimum)
            }
            wrong.withLock { wrongSizes += found }
        }
        XCTAssertEqual(wrongSizes, [])
    }

    /// Helm chosen on a machine where detection found no helm: a warning beside the field and on the review,
    /// not an error (it may be installed before the run); none once helm is found or another install is chosen.
    func testAHelmInstallWithoutHelmOnThisMachineIsWarnedOf() throws {
        var answers = Scenarios.answers
        answers.operator = .helm
        var state = Scenarios.base(answers)
        Scenarios.send(&state, [.start(terminalUTF8: true), .environmentDetected(Scenarios.detection)] + Scenarios.keys([.enter, .enter, .enter]))
        XCTAssertEqual(state.screen, .page(2))
        var text = WizardView.render(state, size: .minimum).plainText
        XCTAssertTrue(text.contains("! helm is not on PATH here: install it"), text)
        Scenarios.send(&state, Scenarios.keys(Array(repeating: .enter, count: 5)))
        XCTAssertEqual(state.screen, .review, "a warning does not hold the page back")
        text = WizardView.render(state, size: .minimum).plainText
        XCTAssertTrue(text.contains("Operator  helm  ! helm not found on this machine"), text)

        var found = Scenarios.detection
        found.tools[3].version = "v3.16.2+g13654a5"
        Scenarios.send(&state, [.environmentDetected(found)])
        XCTAssertFalse(WizardView.render(state, size: .minimum).plainText.contains("not found on this machine"))
        state.answers.operator = .gkeAddon
        XCTAssertNil(state.warning(for: "operator"))
        XCTAssertNil(Scenarios.base(answers).warning(for: "operator"), "nothing is known before detection ends")
    }

    /// With ASCII marks ("[x]", three columns) the longest tool name still keeps two spaces before its details.
    func testTheWelcomesToolNamesNeverRunIntoTheirDetails() throws {
        for ascii in [false, true] {
            var state = try XCTUnwrap(Scenarios.all.first { $0.0 == "welcome" }?.1)
            state.asciiOnly = ascii
            let text = WizardView.render(state, size: .minimum).plainText
            for tool in Detection.toolNames {
                // The tool's own row: its name after the mark (not the install hint that names it too).
                let row = text.split(separator: "\n").first { $0.contains(" \(tool)") && !$0.contains("components") }
                XCTAssertTrue(row?.contains(" \(tool)  ") == true, "ascii \(ascii): \(String(describing: row))\n\(text)")
            }
        }
    }

    /// Quitting before running in a workspace whose earlier run finished: that run's files stay, so the box
    /// does not say nothing was ever run or saved.
    func testQuittingAfterAFinishedEarlierRunSaysOnlyTodaysChangesAreLost() throws {
        let plan = PlanBuilder.build(Scenarios.answers, checkScript: "")
        let rows = plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .done) }
        var state = Scenarios.base(Scenarios.answers, journal: JournalSummary(answers: Scenarios.answers, steps: rows, result: .succeeded))
        XCTAssertEqual(state.screen, .welcome)
        Scenarios.send(&state, [.environmentDetected(Scenarios.detection), .key(.ctrl("c"))])
        let text = WizardView.render(state, size: .minimum).plainText
        XCTAssertTrue(text.contains("Nothing has been run this time; answers changed now are not saved."), text)
        var fresh = Scenarios.base(Scenarios.answers)
        Scenarios.send(&fresh, [.environmentDetected(Scenarios.detection), .key(.ctrl("c"))])
        XCTAssertTrue(WizardView.render(fresh, size: .minimum).plainText.contains("Nothing has been run; your answers are not saved."))
    }

    func testTheReviewNamesAnExistingClustersLocationAndKind() throws {
        var answers = Scenarios.answers
        answers.cluster.mode = .existing
        answers.cluster.location = "us-west1"
        answers.cluster.autopilot = true
        var state = Scenarios.base(answers)
        Scenarios.send(&state, [.start(terminalUTF8: true), .environmentDetected(Scenarios.detection)] + Scenarios.keys(Array(repeating: .enter, count: 8)))
        XCTAssertEqual(state.screen, .review)
        let lines = WizardView.render(state, size: .minimum).plainText.split(separator: "\n")
        let cluster = try XCTUnwrap(lines.first { $0.contains("Cluster   ") })
        XCTAssertTrue(cluster.contains("use existing cloud-bucket-cluster in us-west1 (Autopilot)"), String(cluster))
        // The cluster's own location leaves the zone unused: the summary does not name it.
        let project = try XCTUnwrap(lines.first { $0.contains("Project   ") })
        XCTAssertTrue(project.contains("Project   ray-demo-123") && !project.contains("zone"), String(project))
        XCTAssertTrue(lines.contains { $0.contains("create gs://ray-demo-bucket in us-west1,") }, "the bucket follows the cluster's region")
    }

    func testTheDoneScreenNamesEveryRayNodeOfALargeCluster() throws {
        var state = try XCTUnwrap(Scenarios.all.first { $0.0 == "done" }?.1)
        let pods = (1...6).map { "gpu-\($0)a2b" }
        let summary = "head ok, " + pods.map { "\($0) ok" }.joined(separator: ", ")
        let run = try XCTUnwrap(state.run)
        let verify = try XCTUnwrap(run.plan.steps.lastIndex { $0.kind == .verify })
        state.run?.outcomes[verify]?.result = summary
        let text = WizardView.render(state, size: .minimum).plainText
        for pod in pods { XCTAssertTrue(text.contains(pod), "\(pod) is on the Done screen:\n\(text)") }
    }

    func testTheReviewAfterAFailedRunSaysFinishedStepsAreNotRedone() throws {
        let fresh = try XCTUnwrap(Scenarios.all.first { $0.0 == "review-commands" }?.1)
        XCTAssertTrue(WizardView.render(fresh, size: .minimum).plainText.contains("20 steps, nothing run yet"))
        var state = try XCTUnwrap(Scenarios.all.first { $0.0 == "stopped-failed" }?.1)
        Scenarios.send(&state, Scenarios.keys([.char("e")] + Array(repeating: .enter, count: 7)))
        XCTAssertEqual(state.screen, .review)
        let title = WizardView.render(state, size: .minimum).plainText.split(separator: "\n").first ?? ""
        XCTAssertTrue(title.contains("Review · 20 steps, finished ones are checked, not redone"), String(title))
    }

    func testPreflightsLineUnderTheTitleTakesTheScreensMarks() {
        let passed = PreflightProgress.Verdict.passed(holding: 7, warnings: 2, checkedAgain: true)
        XCTAssertEqual(WizardView.preflightLine(passed, .unicode),
                       "Preflight passed: 7 ✓, 2 ! (4 shows them); rechecked once the APIs are on")
        XCTAssertEqual(WizardView.preflightLine(passed, .ascii),
                       "Preflight passed: 7 [x], 2 (!) (4 shows them); rechecked once the APIs are on")
        XCTAssertEqual(WizardView.preflightLine(.stops(first: "GPU quota in us-west1", more: 1), .ascii),
                       "[!] GPU quota in us-west1 (+1): Run is refused · 4 shows the fix · e edits")
        XCTAssertEqual(WizardView.preflightLine(.passed(holding: 3, warnings: 0, checkedAgain: false), .unicode), "Preflight passed: 3 ✓")
    }

    /// A step whose command exited 0 but printed the wrong thing failed on its output: the screen says that and what
    /// was expected, not "exit 0".
    func testAFailureOnTheOutputSaysWhatWasExpected() throws {
        var state = try XCTUnwrap(Scenarios.all.first { $0.0 == "stopped-failed" }?.1)
        let failed = try XCTUnwrap(state.run?.stoppedOutcome)
        state.run?.outcomes[failed.index] = StepOutcome(index: failed.index, stepID: failed.stepID, status: .failed, exitCode: 0,
                                                        expected: "\"RUNNING\"", seconds: 3, logPath: failed.logPath)
        let text = WizardView.render(state, size: .minimum).plainText
        XCTAssertTrue(text.contains("output did not match: expected \"RUNNING\""), text)
        XCTAssertFalse(text.contains("exit 0"), text)
    }

    func testTooSmallSaysWhatIsNeeded() {
        let frame = WizardView.render(Scenarios.base(), size: Size(columns: 79, rows: 30))
        XCTAssertTrue(frame.plainText.contains("Terminal too small"))
        XCTAssertTrue(frame.plainText.contains("need 80x24, have 79x30"))
    }

    func testTheCursorSitsInTheFocusedTextField() throws {
        var state = Scenarios.base(Scenarios.answers)
        Scenarios.send(&state, [.key(.enter), .key(.home), .key(.right), .key(.right)])
        let frame = WizardView.render(state, size: .minimum)
        let cursor = try XCTUnwrap(frame.cursor)
        XCTAssertEqual(cursor.column, WizardView.valueColumn + 2)
        XCTAssertEqual(frame[cursor.column, cursor.row].character, "y")  // ray-demo-123
    }

    func testStatesReadWithoutColour() {
        let run = Scenarios.all.first { $0.0 == "run" }?.1
        guard let run else { return XCTFail("no run scenario") }
        let text = WizardView.render(run, size: .minimum).plainText
        XCTAssertTrue(text.contains("already done"))
        XCTAssertTrue(text.contains("✓"))
        XCTAssertTrue(text.contains("○"))
        var ascii = run
        ascii.asciiOnly = true
        let plain = WizardView.render(ascii, size: .minimum).plainText
        XCTAssertTrue(plain.unicodeScalars.allSatisfy { $0.isASCII }, plain)
        XCTAssertTrue(plain.contains("[x]"))
        XCTAssertTrue(plain.contains("[ ]"))
    }

    func testEveryASCIIFrameIsASCII() {
        for (name, state) in Scenarios.all {
            var ascii = state
            ascii.asciiOnly = true
            let text = WizardView.render(ascii, size: Size(columns: 120, rows: 40)).plainText
            let bad = text.unicodeScalars.filter { !$0.isASCII }
            XCTAssertTrue(bad.isEmpty, "\(name): \(String(String.UnicodeScalarView(bad)))")
        }
    }

    func testTheSpinnerTurnsWithTheClock() {
        guard var state = Scenarios.all.first(where: { $0.0 == "run" })?.1 else { return XCTFail("no run scenario") }
        let a = WizardView.render(state, size: .minimum)
        _ = update(&state, .tick(state.now.addingTimeInterval(0.1)))
        let b = WizardView.render(state, size: .minimum)
        XCTAssertNotEqual(a, b)
    }

    func testRenderingIsCheap() {
        guard let state = Scenarios.all.first(where: { $0.0 == "review-commands" })?.1 else { return XCTFail("no review") }
        let start = Date()
        for _ in 0..<100 { _ = WizardView.render(state, size: Size(columns: 120, rows: 40)) }
        let perFrame = Date().timeIntervalSince(start) / 100
        XCTAssertLessThan(perFrame, 0.05, "a frame took \(perFrame * 1000) ms")
    }

    /// What people copy is shown whole at 80x24, even with a long workspace path: the resume command and the
    /// next-step commands paste as one command (rows joined at ` \`), the log path is not cut.
    func testCommandsAndPathsAreWholeAt80x24() throws {
        let workspace = "/home/ada/projects/ray-on-gke/kuberay-gcs-setup-for-the-demo"
        let states = Dictionary(Scenarios.all(workspace: workspace), uniquingKeysWith: { a, _ in a })
        let resume = WorkspaceFiles.resumeCommand(workspace: workspace)
        for name in ["stopped-failed", "stopped-skip", "stopped-interrupted", "stopped-refused", "confirm-quit-after-failure"] {
            let text = try render(XCTUnwrap(states[name], name))
            XCTAssertTrue(Self.commands(in: text).contains(resume), "\(name):\n\(text)")
            XCTAssertFalse(text.contains("…"), "\(name) cuts something:\n\(text)")
        }
        let failed = try render(XCTUnwrap(states["stopped-failed"]))
        let rows = failed.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(rows.contains(workspace + "/logs/") && rows.contains("11-get-credentials.log"), failed)
        XCTAssertTrue(Self.commands(in: failed).contains("gcloud services enable container.googleapis.com --project ray-demo-123"), failed)

        let done = try XCTUnwrap(states["done"])
        let doneText = render(done)
        let answers = try XCTUnwrap(done.run?.plan.answers)
        let commands = Self.commands(in: doneText)
        // The dashboard is the `s` key (and the command it runs), a test job the `j` key; a job of one's own is the
        // submit command to type.
        XCTAssertTrue(commands.contains(WorkspaceFiles.sessionCommand(workspace: done.workspace)), doneText)
        XCTAssertTrue(commands.contains(WorkspaceFiles.submitCommand(workspace: done.workspace)), doneText)
        XCTAssertTrue(doneText.contains("Press s to end the wizard and open the Ray dashboard"), doneText)
        XCTAssertTrue(doneText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .contains("Press j to end the wizard and run a test job that writes to gs://\(answers.bucket.name) as the KSA."), doneText)
        XCTAssertTrue(doneText.contains(" s dashboard ") && doneText.contains(" j test job "), "the footer offers the keys:\n\(doneText)")
        var help = done
        _ = update(&help, .key(.char("?")))
        let helpText = render(help)
        XCTAssertTrue(helpText.contains("j        end the wizard and submit a test job that writes to the bucket │"), helpText)
        XCTAssertFalse(doneText.contains("…"), doneText)
        // What was made includes the RayCluster itself, not only the cluster, KSA and bucket (with a short workspace
        // path: a long one takes a row, and the list ends in "and 2 more").
        let shortPath = try render(XCTUnwrap(Scenarios.all.first { $0.0 == "done" }?.1))
        XCTAssertTrue(shortPath.contains("Apply the RayCluster \(answers.ray.clusterName)"), shortPath)

        for name in ["welcome", "review-commands", "review-script", "review-gpu-node-pool", "review-two-gpu-groups-mounted", "run"] {
            let text = try render(XCTUnwrap(states[name], name))
            let cut = text.split(separator: "\n").filter { $0.contains("…") && !$0.contains("health-checked") }
            XCTAssertTrue(cut.isEmpty, "\(name) cuts: \(cut)")
        }
    }

    func testLongHintCommandsGetRowsOfTheirOwn() {
        let rows = WizardView.hintRows("If it persists, run `gcloud services enable container.googleapis.com --project a-long-project-id`.",
                                       width: 40)
        XCTAssertEqual(rows.map(\.0), [
            "If it persists, run",
            "gcloud services enable \\",
            "  container.googleapis.com --project \\",
            "  a-long-project-id",
        ])
        XCTAssertEqual(WizardView.hintRows("Run `gcloud auth login`, then resume.", width: 20).map(\.0), ["Run", "`gcloud auth login`,", "then resume."])
    }

    /// After a destroy, each thing kept is on the screen whole at 80x24, wrapped rather than cut: the bucket's line ends
    /// with the flag that deletes it.
    func testTheDestroyedScreenShowsEachKeptThingWhole() throws {
        var state = try XCTUnwrap(Scenarios.all.first { $0.0 == "done" }?.1)
        Scenarios.send(&state, Scenarios.keys([.char("d"), .char("d"), .char("y")]))
        let steps = try XCTUnwrap(state.run?.plan.steps)
        for (i, step) in steps.enumerated() {
            Scenarios.send(&state, [.runEvent(.stepFinished(StepOutcome(index: i, stepID: step.id, status: .done, exitCode: 0, seconds: 4,
                                                                          logPath: WorkspaceFiles.logPath(index: i, stepID: step.id))))])
        }
        Scenarios.send(&state, [.runEvent(.runFinished(result: .succeeded, seconds: 312))])
        let kept = try XCTUnwrap(state.destroy?.plan.kept)
        XCTAssertTrue(kept.contains { $0.why.contains("--delete-bucket") }, "\(kept)")
        let text = render(state)
        XCTAssertTrue(text.contains("Destroyed · "), text)
        let rows = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for item in kept { XCTAssertTrue(rows.contains("\(item.subject): \(item.why)"), "\(item.subject) whole:\n\(text)") }
    }

    private func render(_ state: WizardState) -> String {
        var sized = state
        _ = update(&sized, .resize(.minimum))
        return WizardView.render(sized, size: .minimum).plainText
    }

    /// Every run of rows joined where a row ends in ` \` (as a shell reads a paste), trimmed.
    private static func commands(in text: String) -> [String] {
        var out: [String] = []
        var pending: String?
        for row in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(row)
            if let open = line.firstIndex(of: "│"), let close = line.lastIndex(of: "│"), open < close {
                line = line[line.index(after: open)..<close]  // inside a box
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let joined = pending.map { $0 + " " + trimmed } ?? trimmed
            if joined.hasSuffix(" \\") {
                pending = String(joined.dropLast(2))
            } else {
                out.append(joined)
                pending = nil
            }
        }
        return out
    }
}
