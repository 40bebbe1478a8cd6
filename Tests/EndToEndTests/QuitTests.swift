import Foundation
import TestKit
import Testing

/// Quitting the full-screen wizard at once, while it still probes the installed tools in the background.
@Suite struct QuitTests {
    /// Every probe is still running when the quit lands (the tools answer only after seconds): the process ends
    /// at once with 130, with no abort from the probes' threads, and gives the terminal back.
    @Test func testQuitWhileToolProbesRunExits130AtOnceAndRestoresTheTerminal() async throws {
        let root = try TestPaths.newTemporaryFolder("quit")
        defer { try? FileManager.default.removeItem(at: root) }
        let wizard = try TestPaths.wizard.path
        var environment = try FakeCloud(root: root).environment
        let slow = root.appendingPathComponent("slow-tools")
        try FileManager.default.createDirectory(at: slow, withIntermediateDirectories: true)
        for tool in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"] {
            try TestPaths.linkExecutable(slow.appendingPathComponent(tool), to: TestPaths.support.appendingPathComponent("slow-tool"))
        }
        environment["PATH"] = slow.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        try await DedicatedThread.run {
            for attempt in 1...3 {
                let program = try PTYProgram([wizard, "--workspace", root.appendingPathComponent("ws\(attempt)").path], environment: environment)
                let text = try program.waitFor("Welcome")
                program.type("q")
                try program.waitFor("Quit the wizard?", after: text.count)
                program.type("y")
                #expect(try program.waitForExit(timeout: 2) == 130, "attempt \(attempt): \(program.text.suffix(400))")
                #expect(program.text.contains("\u{1B}[?1049l"), "attempt \(attempt) leaves the alternate screen")
                #expect(!program.text.contains("CONTINUATION MISUSE"), "attempt \(attempt)")
            }
        }
    }
}
