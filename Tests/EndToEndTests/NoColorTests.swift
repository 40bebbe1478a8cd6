import Foundation
import TestKit
import Testing

/// Colour in the full-screen wizard, and none with `--no-color` or `NO_COLOR`: the bytes a colour terminal receives.
@Suite struct NoColorTests {
    /// The wizard's output until its Welcome screen; then it is quit (q, y).
    private func welcome(_ extraArgs: [String], environment extra: [String: String] = [:]) throws -> String {
        try TestPaths.withTemporaryFolder("color") { root in
            var environment = try FakeCloud(root: root).environment
            environment.merge(extra) { $1 }
            let program = try PTYProgram([try TestPaths.wizard.path, "--workspace", root.appendingPathComponent("ws").path] + extraArgs,
                                         environment: environment)
            let text = try program.waitFor("Welcome")
            program.type("q")
            try program.waitFor("Quit the wizard?", after: text.count)
            program.type("y")
            #expect(try program.waitForExit(timeout: 10) == 130, "quit before running")
            return text
        }
    }

    /// An SGR sequence that sets a foreground colour (8, 16 or 256 colours).
    private func hasColor(_ text: String) -> Bool {
        text.range(of: #"\x{1B}\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;[0-9]+)(?:;[0-9;]*)?m"#, options: .regularExpression) != nil
    }

    /// `apply --yes` in a colour terminal, with fake cloud tools, to the end.
    private func apply(_ extraArgs: [String], environment extra: [String: String] = [:]) throws -> String {
        try TestPaths.withTemporaryFolder("color-apply") { root in
            var environment = try FakeCloud(root: root).environment
            environment.merge(extra) { $1 }
            let program = try PTYProgram([try TestPaths.wizard.path, "apply", "--yes", "--set", "project=demo-project",
                                          "--set", "bucket.name=my-bucket", "--workspace", root.appendingPathComponent("ws").path] + extraArgs,
                                         environment: environment)
            #expect(try program.waitForExit(timeout: 60) == 0, "\(program.text)")
            return program.text
        }
    }

    @Test func testApplyColoursStatusWordsUnlessNoColor() async throws {
        try await DedicatedThread.run {
            let coloured = try apply([])
            #expect(hasColor(coloured), "a colour terminal gets coloured status words")
            let flag = try apply(["--no-color"])
            #expect(!hasColor(flag), "--no-color")
            let variable = try apply([], environment: ["NO_COLOR": "1"])
            #expect(!hasColor(variable), "NO_COLOR=1")
        }
    }

    @Test func testColourByDefaultAndNoneWithTheFlagOrNoColor() async throws {
        try await DedicatedThread.run {
            let coloured = try welcome([])
            #expect(hasColor(coloured), "a colour terminal gets colour")
            let flag = try welcome(["--no-color"])
            #expect(!hasColor(flag), "--no-color")
            let variable = try welcome([], environment: ["NO_COLOR": "1"])
            #expect(!hasColor(variable), "NO_COLOR=1")
        }
    }
}
