import Foundation
import XCTest
@testable import SetupRunner

/// Line splitting, tails and the printed text.
final class OutputTests: XCTestCase {
    private func split(_ chunks: [String], max: Int = 8) -> [String] {
        var splitter = LineSplitter(maxLineBytes: max)
        var lines: [String] = []
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { splitter.feed($0) { line, _ in lines.append(LineSplitter.decode(line)) } }
        }
        splitter.finish { line, _ in lines.append(LineSplitter.decode(line)) }
        return lines
    }

    func testLinesAcrossChunksCRLFAndNoFinalNewline() {
        XCTAssertEqual(split(["ab", "c\nde\r\n", "\nf"]), ["abc", "de", "", "f"])
    }

    func testLongLinesAreSplit() {
        XCTAssertEqual(split(["0123456789abcdefXYZ\nok\n"]), ["01234567", "89abcdef", "XYZ", "ok"])
        XCTAssertEqual(split(["0123", "4567", "89\n"]), ["01234567", "89"])
    }

    func testTailKeepsTheLastLines() {
        var tail = TailBuffer(capacity: 3)
        for i in 1...7 { tail.append("\(i)") }
        XCTAssertEqual(tail.lines, ["5", "6", "7"])
        XCTAssertEqual(tail.last(2), ["6", "7"])
    }

    func testStepLineFormat() {
        XCTAssertEqual(StepLine.text(index: 4, total: 14, title: "Create the IAM service account", status: "done", detail: "1.8s"),
                       "[ 5/14] Create the IAM service account ................. done 1.8s")
        let long = StepLine.text(index: 4, total: 19, title: "Enable the GKE, Cloud Storage and IAM Credentials APIs",
                                 status: "already done", detail: "12m 05s")
        XCTAssertEqual(long, "[ 5/19] Enable the GKE, Cloud Storage and IAM Crede… ... already done 12m 05s")
        XCTAssertLessThanOrEqual(long.count, 79, "one line in 80 columns")
    }

    func testDurationText() {
        XCTAssertEqual(DurationText.format(0.04), "0.0s")
        XCTAssertEqual(DurationText.format(1.84), "1.8s")
        XCTAssertEqual(DurationText.format(42.4), "42s")
        XCTAssertEqual(DurationText.format(62), "1m 02s")
        XCTAssertEqual(DurationText.format(125), "2m 05s")
        XCTAssertEqual(DurationText.format(3900), "1h 05m")
    }

    func testFailureReport() {
        let outcome = StepOutcome(index: 4, stepID: "create-sa", status: .failed, exitCode: 1,
                                  hint: Hint(summary: "Permission denied.", fix: "Ask an owner."), seconds: 1.2,
                                  logPath: "logs/05-create-sa.log", stderrTail: (1...25).map { "line \($0)" })
        let text = FailureReport.text(outcome: outcome, title: "Create the IAM service account", total: 14,
                                      workspace: URL(fileURLWithPath: "/tmp/ws"),
                                      resumeCommand: Workspace.resumeCommand(path: "/tmp/my ws"))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Step 5/14 failed: Create the IAM service account (exit 1)")
        XCTAssertEqual(lines.filter { $0.hasPrefix("  | ") }.count, 20)
        XCTAssertTrue(lines.contains("  | line 25"))
        XCTAssertFalse(lines.contains("  | line 5"))
        XCTAssertTrue(lines.contains("Hint: Permission denied."))
        XCTAssertTrue(lines.contains("Full log: /tmp/ws/logs/05-create-sa.log"))
        XCTAssertEqual(lines.last, "When fixed, continue with: kuberay-gcs-wizard resume --workspace '/tmp/my ws'")
    }

    func testLinePrinterPrintsOneLinePerStatusChange() async throws {
        let fakes = try FakeTools()
        defer { fakes.remove() }
        let plan = FakeTools.plan()
        let printed = LinesBox()
        let printer = LinePrinter(plan: plan, workspace: fakes.workspace, write: { printed.append($0) })
        let result = try await fakes.runner(plan, extra: ["FAKE_FAIL": "create sa-"]).run(mode: .fresh, observer: printer)
        XCTAssertEqual(result, .failed)
        let lines = printed.lines
        XCTAssertTrue(lines[0].hasPrefix("[1/8] Check the gcloud account ...") && lines[0].contains(" done "), lines[0])
        XCTAssertTrue(lines[4].hasPrefix("[5/8] Create the IAM service account ...") && lines[4].contains(" FAILED "), lines[4])
        XCTAssertTrue(lines[5].hasPrefix("Step 5/8 failed"), lines[5])
        XCTAssertTrue(lines[5].contains("When fixed, continue with: kuberay-gcs-wizard resume --workspace"))

        let resumed = LinesBox()
        _ = try await fakes.runner(plan).run(mode: .resume, observer: LinePrinter(plan: plan, workspace: fakes.workspace,
                                                                                   write: { resumed.append($0) }))
        XCTAssertTrue(resumed.lines[0].contains("done (earlier run)"), resumed.lines[0])
        XCTAssertEqual(resumed.lines.last, "All 8 steps complete in " + (resumed.lines.last?.split(separator: " ").last.map(String.init) ?? ""))
    }

    func testVerboseShowsEveryOutputLineMarkedByItsStream() async throws {
        let plan = FakeTools.plan()
        let workspace = URL(fileURLWithPath: "/tmp/unused")
        let verbose = LinesBox(), quiet = LinesBox()
        let lines = OutputLines(index: 0, stepID: plan.steps[0].id, stream: .stdout, lines: ["one", "two"])
        let errors = OutputLines(index: 0, stepID: plan.steps[0].id, stream: .stderr, lines: ["oops"])
        for (box, show) in [(verbose, true), (quiet, false)] {
            let printer = LinePrinter(plan: plan, workspace: workspace, showOutput: show, write: { box.append($0) })
            await printer.handle(output: lines)
            await printer.handle(output: errors)
        }
        XCTAssertEqual(verbose.lines, ["  | one", "  | two", "  ! oops"])
        XCTAssertEqual(quiet.lines, [])
    }

    func testOnATerminalTheRunningLineIsReplacedByTheResult() async throws {
        let fakes = try FakeTools()
        defer { fakes.remove() }
        let plan = FakeTools.plan()
        let screen = LinesBox()
        let printer = LinePrinter(plan: plan, workspace: fakes.workspace, write: { screen.append($0 + "\n") },
                                  writeRaw: { screen.append($0) })
        let result = try await fakes.runner(plan).run(mode: .fresh, observer: printer)
        XCTAssertEqual(result, .succeeded)
        let text = screen.lines.joined()
        XCTAssertTrue(text.hasPrefix("[1/8] Check the gcloud account ") && text.contains(" running\r\u{1B}[K[1/8] Check the gcloud account "), text)
        // Every running line is replaced: none is left on a line of its own.
        XCTAssertFalse(text.components(separatedBy: "\n").contains { $0.hasSuffix(" running") }, text)
        XCTAssertEqual(text.components(separatedBy: " running\r\u{1B}[K").count - 1, 8)
    }
}

/// Collects printed lines from the printer's `write` closure.
final class LinesBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
