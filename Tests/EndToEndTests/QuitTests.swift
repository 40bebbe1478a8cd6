import Foundation
import TestKit
import XCTest

/// Quitting the full-screen wizard at once, while it still probes the installed tools in the background.
final class QuitTests: XCTestCase {
    /// The probes are still running when the quit lands; the process ends with 130, never aborts, and gives
    /// the terminal back (leaves the alternate screen). The abort it guards against came about once in a hundred quits with the real gcloud.
    func testQuitDuringToolDetectionExits130EveryTimeAndRestoresTheTerminal() throws {
        let root = try TestPaths.temporaryFolder(self, "quit")
        var environment = try FakeCloud(root: root).environment
        // Tools that take their time to answer, as a cold gcloud does: the quit lands while every probe runs.
        let slow = root.appendingPathComponent("slow-tools")
        try FileManager.default.createDirectory(at: slow, withIntermediateDirectories: true)
        for tool in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"] {
            let path = slow.appendingPathComponent(tool).path
            try "#!/bin/sh\nsleep 0.$(( $$ % 5 ))\necho \"\(tool) 1.0\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        environment["PATH"] = slow.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for attempt in 1...25 {
            let program = try PTYProgram([try TestPaths.wizard.path, "--workspace", root.appendingPathComponent("ws\(attempt)").path],
                                         environment: environment)
            let text = try program.waitFor("Welcome")
            program.type("q")
            try program.waitFor("Quit the wizard?", after: text.count)
            program.type("y")
            XCTAssertEqual(try program.waitForExit(timeout: 10), 130, "attempt \(attempt): \(program.text.suffix(400))")
            XCTAssertTrue(program.text.contains("\u{1B}[?1049l"), "attempt \(attempt) leaves the alternate screen")
            XCTAssertFalse(program.text.contains("CONTINUATION MISUSE"), "attempt \(attempt)")
        }
    }
}
