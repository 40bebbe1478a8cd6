import Foundation
import TestKit
import XCTest

/// Quitting the full-screen wizard at once, while it still probes the installed tools in the background.
final class QuitTests: XCTestCase {
    /// Every probe is still running when the quit lands (the tools answer only after seconds): the process ends
    /// at once with 130, with no abort from the probes' threads, and gives the terminal back.
    func testQuitWhileToolProbesRunExits130AtOnceAndRestoresTheTerminal() throws {
        let root = try TestPaths.temporaryFolder(self, "quit")
        var environment = try FakeCloud(root: root).environment
        let slow = root.appendingPathComponent("slow-tools")
        try FileManager.default.createDirectory(at: slow, withIntermediateDirectories: true)
        for tool in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"] {
            let path = slow.appendingPathComponent(tool).path
            try "#!/bin/sh\nsleep 3\necho \"\(tool) 1.0\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        environment["PATH"] = slow.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for attempt in 1...3 {
            let program = try PTYProgram([try TestPaths.wizard.path, "--workspace", root.appendingPathComponent("ws\(attempt)").path],
                                         environment: environment)
            let text = try program.waitFor("Welcome")
            program.type("q")
            try program.waitFor("Quit the wizard?", after: text.count)
            program.type("y")
            XCTAssertEqual(try program.waitForExit(timeout: 2), 130, "attempt \(attempt): \(program.text.suffix(400))")
            XCTAssertTrue(program.text.contains("\u{1B}[?1049l"), "attempt \(attempt) leaves the alternate screen")
            XCTAssertFalse(program.text.contains("CONTINUATION MISUSE"), "attempt \(attempt)")
        }
    }
}
