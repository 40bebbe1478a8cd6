import Foundation
import SetupPlan
import TestKit
import Testing

/// `apply` walking the plan's graph on a realistic cloud: killed with `kill -9` while two steps run at once, then
/// `resume`d to the end, it sends no create twice.
@Suite struct ParallelEndToEndTests {
    /// Standard with a GPU group in IAM service account mode: the IAM service account, the bucket and the cluster start
    /// together once preflight has passed.
    static let sets = ["project=\(EmulatorEndToEndTests.project)", "bucket.name=\(EmulatorEndToEndTests.bucket)",
                       "cluster.mode=create-standard", "operator=gke-addon", "identity.mode=iam-service-account",
                       "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"]

    @Test func testKillNineWithTwoStepsRunningThenResumeCreatesNothingTwice() async throws {
        let emulator = try await EmulatorHarness.start("e2e-parallel-kill", arguments: RealisticEndToEndTests.realistic)
        defer { emulator.stop() }
        let wizard = Process()
        wizard.executableURL = try TestPaths.wizard
        wizard.arguments = ["apply"] + Self.sets.flatMap { ["--set", $0] } + ["--workspace", emulator.workspace.path, "--yes"]
        wizard.environment = emulator.environment
        wizard.currentDirectoryURL = emulator.root
        wizard.standardOutput = FileHandle.nullDevice
        wizard.standardError = FileHandle.nullDevice
        try Spawn.start(wizard)
        let journal = emulator.workspace.appendingPathComponent("state.json")
        // Killed once the cluster's create runs beside another step (the journal is saved before a step starts).
        // Watched from a thread of its own, polling every 10 ms.
        let killedDuring: [String]? = try await offThePool {
            let deadline = Date().addingTimeInterval(600)
            while wizard.isRunning && Date() < deadline {
                if let data = try? Data(contentsOf: journal),
                   let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let steps = doc["steps"] as? [[String: Any]] {
                    let running = steps.filter { $0["status"] as? String == "running" }.compactMap { $0["id"] as? String }
                    if running.count >= 2 && running.contains("create-cluster") {
                        kill(wizard.processIdentifier, SIGKILL)
                        wizard.waitUntilExit()
                        return running
                    }
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            wizard.waitUntilExit()
            return nil
        }
        let running = try #require(killedDuring, "apply ended before two steps were seen running with the cluster's create")

        let status = try await emulator.wizard(["status", "--workspace", emulator.workspace.path])
        let stopped = status.stdout.split(separator: "\n").filter { $0.contains("(the run stopped during this step)") }
        #expect(stopped.count == running.count, "status names every step that was running:\n\(status.stdout)")

        let resumed = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        #expect(resumed.status == 0, "resume exit \(resumed.status)\n\(resumed.stdout.suffix(3000))\n\(resumed.stderr.suffix(1500))")
        // Done: the head and the GPU worker, among the Ray nodes, wrote and read the bucket.
        let summary = resumed.stdout.split(separator: "\n").first { $0.contains(PlanBuilder.checkVerdictLead) } ?? ""
        #expect(summary.contains(": head ok") && summary.contains(" gpu-") && !summary.contains("failed"), "\(resumed.stdout.suffix(2000))")

        let log = try await emulator.log()
        for kind in ["create-cluster", "create-service-account", "create-bucket", "create-node-pool", "create-serviceaccount",
                     "create-raycluster"] {
            let killed = running.joined(separator: ", ")
            #expect(log.count(kind) == 1 && log.succeeded(kind) == 1,
                    "\(kind): \(log.count(kind)) requests, \(log.succeeded(kind)) succeeded across the apply killed while \(killed) ran and the resume")
        }
    }
}
