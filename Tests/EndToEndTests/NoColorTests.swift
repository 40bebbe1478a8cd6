import Foundation
import TestKit
import XCTest

/// Colour in the full-screen wizard, and none with `--no-color` or `NO_COLOR`: the bytes a colour terminal receives.
final class NoColorTests: XCTestCase {
    /// The wizard's output until its Welcome screen; then it is quit (q, y).
    private func welcome(_ extraArgs: [String], environment extra: [String: String] = [:]) throws -> String {
        let root = try TestPaths.temporaryFolder(self, "color")
        var environment = try FakeCloud(root: root).environment
        environment.merge(extra) { $1 }
        let program = try PTYProgram([try TestPaths.wizard.path, "--workspace", root.appendingPathComponent("ws").path] + extraArgs,
                                     environment: environment)
        let text = try program.waitFor("Welcome")
        program.type("q")
        try program.waitFor("Quit the wizard?", after: text.count)
        program.type("y")
        XCTAssertEqual(try program.waitForExit(timeout: 10), 130, "quit before running")
        return text
    }

    /// An SGR sequence that sets a foreground colour (8, 16 or 256 colours).
    private func hasColor(_ text: String) -> Bool {
        text.range(of: #"\x{1B}\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;[0-9]+)(?:;[0-9;]*)?m"#, options: .regularExpression) != nil
    }

    /// `apply --yes` in a colour terminal, with fake cloud tools, to the end.
    private func apply(_ extraArgs: [String], environment extra: [String: String] = [:]) throws -> String {
        let root = try TestPaths.temporaryFolder(self, "color-apply")
        var environment = try FakeCloud(root: root).environment
        environment.merge(extra) { $1 }
        let program = try PTYProgram([try TestPaths.wizard.path, "apply", "--yes", "--set", "project=demo-project",
                                      "--set", "bucket.name=my-bucket", "--workspace", root.appendingPathComponent("ws").path] + extraArgs,
                                     environment: environment)
        XCTAssertEqual(try program.waitForExit(timeout: 60), 0, program.text)
        return program.text
    }

    func testApplyColoursStatusWordsUnlessNoColor() throws {
        XCTAssertTrue(hasColor(try apply([])), "a colour terminal gets coloured status words")
        XCTAssertFalse(hasColor(try apply(["--no-color"])), "--no-color")
        XCTAssertFalse(hasColor(try apply([], environment: ["NO_COLOR": "1"])), "NO_COLOR=1")
    }

    func testColourByDefaultAndNoneWithTheFlagOrNoColor() throws {
        XCTAssertTrue(hasColor(try welcome([])), "a colour terminal gets colour")
        XCTAssertFalse(hasColor(try welcome(["--no-color"])), "--no-color")
        XCTAssertFalse(hasColor(try welcome([], environment: ["NO_COLOR": "1"])), "NO_COLOR=1")
    }
}
