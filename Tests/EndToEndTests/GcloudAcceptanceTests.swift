import Foundation
import SetupPlan
import TestKit
import Testing

/// Every gcloud command the plans generate, run through the real gcloud installed here. A usage error
/// (unknown flag, bad value, conflicting flags) exits 2 before any request; a command that parses
/// reaches a local server that answers 403, so it exits 1. Hermetic: temporary CLOUDSDK_CONFIG,
/// endpoints on 127.0.0.1, a token file; nothing reads ~/.config/gcloud.
@Suite struct GcloudAcceptanceTests {
    @Test func testRealGcloudAcceptsEveryGeneratedCommand() async throws {
        let launcher = try RequiredTool.path("gcloud", for: "the gcloud acceptance test")
        // The installed gcloud, through the test process's fork server (which hands back to the launcher whatever
        // it cannot run as the launcher would).
        let forkServer = GcloudForkServer.off ? nil : try GcloudForkServer.shared()
        let gcloud = forkServer == nil ? launcher : GcloudForkServer.client.path
        let dir = try TestPaths.newTemporaryFolder("gcloud-usage")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The lifetime bounds a test that crashed: the server is stopped when the test ends, however long it ran.
        server.arguments = ["python3", TestPaths.support.appendingPathComponent("reject_server.py").path, "--lifetime", "3600"]
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try Spawn.start(server)
        defer { server.terminate() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableDataLine(), as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "server port: \(portLine)")

        let token = dir.appendingPathComponent("token")
        try "test-token".write(to: token, atomically: true, encoding: .utf8)
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": dir.path, "LANG": "C.UTF-8",
                   "CLOUDSDK_CONFIG": dir.appendingPathComponent("gcloud").path,
                   "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE": token.path, "CLOUDSDK_CORE_ACCOUNT": "tester@example.com",
                   "CLOUDSDK_CORE_DISABLE_PROMPTS": "1", "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "1",
                   "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1", "CLOUDSDK_SURVEY_DISABLE_PROMPTS": "1",
                   "KUBECONFIG": dir.appendingPathComponent("kubeconfig").path,
                   "CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE": "http://127.0.0.1:\(port)/storage/v1/",
                   GcloudForkServer.environmentVariable: forkServer?.socket ?? ""]
        for api in ["SERVICEUSAGE", "CONTAINER", "IAM", "CLOUDRESOURCEMANAGER", "IAMCREDENTIALS"] {
            env["CLOUDSDK_API_ENDPOINT_OVERRIDES_\(api)"] = "http://127.0.0.1:\(port)/"
        }

        // Every distinct gcloud command (steps and probes) over every combination.
        let wizard = try TestPaths.wizard.path
        var commands: [[String]] = []
        let clusters = [["cluster.mode=create-standard"], ["cluster.mode=create-autopilot"], ["cluster.mode=existing"],
                        ["cluster.mode=existing", "cluster.location=us-west1", "cluster.autopilot=true"]]
        for cluster in clusters {
            for op in ["gke-addon", "helm", "installed"] {
                for identity in ["iam-service-account", "direct"] {
                    for (create, mount) in [("true", "false"), ("false", "false"), ("true", "true")] {
                        let sets = ["project=demo-project", "bucket.name=my-bucket", "operator=\(op)", "identity.mode=\(identity)",
                                    "bucket.create=\(create)", "bucket.mount=\(mount)", "ray.workers[1].gpu.type=nvidia-l4",
                                    "ray.workers[1].gpu.count=2"] + cluster
                            // The network policy's flag on create and its check of an existing cluster, once per combination.
                            + (mount == "true" ? ["ray.networkPolicy=true"] : [])
                            + (op == "gke-addon" ? ["cluster.rayClusterLogging=true", "cluster.rayClusterMonitoring=true"] : [])
                        let result = try runProcess(wizard, ["plan", "--format", "json"] + sets.flatMap { ["--set", $0] })
                        #expect(result.status == 0, "\(result.stderr)")
                        let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                        let steps = try #require(doc["steps"] as? [[String: Any]])
                        // A kept bucket only takes deletions away: its destroy commands are among those of a created one.
                        let destroySteps = create == "true" ? try destroyPlan(wizard, sets: sets, setupSteps: steps, in: dir) : []
                        for step in steps + destroySteps {
                            for argv in [step["argv"] as? [String], step["probe"] as? [String]].compactMap({ $0 }) where argv.first == "gcloud" {
                                let filled = argv.map { $0.replacingOccurrences(of: "${PROJECT_NUMBER}", with: "123456789012") }
                                if !commands.contains(filled) { commands.append(filled) }
                            }
                        }
                    }
                }
            }
        }
        #expect(commands.count > 20)
        #expect(commands.contains { $0.starts(with: ["gcloud", "container", "clusters", "delete"]) }, "no destroy commands")
        #expect(commands.contains { $0.starts(with: ["gcloud", "container", "clusters", "create"]) && $0.contains("--enable-dataplane-v2") })
        // And every gcloud read doctor sends, and the updates its network-policy link prints.
        for argv in DoctorGcloudReads.all() where !commands.contains(argv) { commands.append(argv) }
        var existing = Answers()
        existing.project = "demo-project"
        existing.cluster.mode = .existing
        commands += Commands(existing).policyEnforcementUpdates
        // A deliberately wrong spelling proves the check can fail.
        commands.append(["gcloud", "container", "clusters", "create", "x", "--project", "demo-project", "--zone", "us-west1-b", "--addon", "RayOperator"])

        // Run them two at a time, off the cooperative pool, which the tests beside this one need.
        let toRun = commands, environment = env
        let (statuses, errors) = try await offThePool {
            nonisolated(unsafe) var statuses = [Int32](repeating: -1, count: toRun.count)
            nonisolated(unsafe) var errors = [String](repeating: "", count: toRun.count)
            DispatchQueue.concurrentPerform(iterations: toRun.count) { i in
                let result = try? runProcess(gcloud, Array(toRun[i].dropFirst()), env: environment)
                statuses[i] = result?.status ?? -1
                errors[i] = result?.stderr ?? "did not start"
            }
            return (statuses, errors)
        }
        for (i, argv) in commands.enumerated().dropLast() {
            #expect(statuses[i] != 2, "gcloud rejected: \(argv.joined(separator: " "))\n\(errors[i])")
            #expect(!errors[i].contains("unrecognized arguments"), "\(argv.joined(separator: " "))")
            #expect(errors[i].contains("PERMISSION_DENIED") || errors[i].contains("403") || errors[i].contains("rejected by the usage-check server")
                          || statuses[i] == 0, "expected the request to reach the server: \(argv.joined(separator: " "))\n\(errors[i])")
        }
        #expect(statuses.last == 2, "the misspelled --addon must be a usage error: \(errors.last ?? "")")
    }

    /// The steps of `destroy --delete-bucket` after a run of `sets` in which every step made its thing, plus the bucket
    /// listing shown before the bucket goes (as a step with only an argv): the workspace's journal says all done.
    private func destroyPlan(_ wizard: String, sets: [String], setupSteps: [[String: Any]], in dir: URL) throws -> [[String: Any]] {
        let workspace = dir.appendingPathComponent("destroy-\(UUID().uuidString.prefix(8))")
        let exported = try runProcess(wizard, ["export", "--workspace", workspace.path] + sets.flatMap { ["--set", $0] })
        #expect(exported.status == 0, "\(exported.stderr)")
        let answers = try String(contentsOf: workspace.appendingPathComponent("answers.yaml"), encoding: .utf8)
        let journal: [String: Any] = [
            "formatVersion": 1, "fingerprint": "acceptance", "normalizedAnswers": answers, "captures": [:],
            "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
            "steps": setupSteps.map { ["id": $0["id"] ?? "", "title": $0["title"] ?? "", "status": "done", "logPath": "logs/x.log"] },
        ]
        try JSONSerialization.data(withJSONObject: journal).write(to: workspace.appendingPathComponent("state.json"))
        // Without a terminal and --yes, destroy shows the preview and deletes nothing (exit 2).
        let preview = try runProcess(wizard, ["destroy", "--workspace", workspace.path, "--delete-bucket", "--format", "json"])
        #expect(preview.status == 2, "\(preview.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any], "\(preview.stdout)")
        let listing = (doc["bucketContents"] as? [String]).map { [["argv": $0]] } ?? []
        return try #require(doc["steps"] as? [[String: Any]]) + listing
    }
}

extension FileHandle {
    /// Reads up to and including the first newline.
    func availableDataLine() -> Data {
        var data = Data()
        while let byte = try? read(upToCount: 1), !byte.isEmpty {
            data.append(byte)
            if byte == Data("\n".utf8) { break }
        }
        return data
    }
}
