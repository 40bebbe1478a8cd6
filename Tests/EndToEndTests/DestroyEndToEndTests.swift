import Foundation
import TestKit
import Testing

/// `destroy` after `apply`, by the real gcloud and kubectl against the emulator (see EmulatorEndToEndTests): what the
/// run created is gone, what it found stays, a killed destroy resumes, and a second destroy sends nothing.
@Suite struct DestroyEndToEndTests {
    private static let project = "demo-project", bucket = "my-bucket"

    private func state(_ emulator: EmulatorHarness) async throws -> [String: Any] {
        let data = try await emulator.control("GET", "state")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func same(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
    }

    /// Requests that change something: what a destroy that finds everything gone must not send.
    private func changes(_ log: ArraySlice<EmulatorLogEntry>) -> [String] {
        log.filter { ["DELETE", "PUT", "PATCH"].contains($0.method) || $0.kind.hasPrefix("set-") || $0.kind.hasPrefix("create-") }
            .map { "\($0.method) \($0.kind)" }
    }

    /// Everything a new Standard cluster run made with Helm, a namespace and an IAM service account is gone after
    /// `destroy --delete-bucket --yes`: clusters, Kubernetes objects, service accounts and buckets (objects included)
    /// are as before the apply; the Helm release is uninstalled. A second destroy changes nothing.
    @Test func testDestroyAfterApplyLeavesNothingTheRunCreatedAndASecondDestroySendsNoDelete() async throws {
        let emulator = try await EmulatorHarness.start("e2e-destroy")
        defer { emulator.stop() }
        let root = emulator.root
        let before = try await state(emulator)
        // Preflight for these answers: the create-standard/helm/direct and create-autopilot/helm/iam-service-account combinations.
        let applied = try await emulator.applyForSetup(["project=\(Self.project)", "bucket.name=\(Self.bucket)", "operator=helm",
                                                "identity.namespace=ray"])
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        let afterApply = try await state(emulator)
        #expect(((afterApply["buckets"] as? [String: Any])?[Self.bucket]) != nil)

        let workspace = emulator.workspace.path
        // The apply's own check deleted its test objects: only what the preview sends counts.
        let sentBefore = try await emulator.log().count
        let unconfirmed = try await emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket"])
        #expect(unconfirmed.status == 2, "no terminal and no --yes: the preview only\n\(unconfirmed.stderr)")
        #expect(unconfirmed.stdout.contains("Delete the bucket gs://\(Self.bucket) and every object in it"), "\(unconfirmed.stdout)")
        #expect(unconfirmed.stderr.contains("nothing was deleted"), "\(unconfirmed.stderr)")
        let previewLog = try await emulator.log()
        #expect(changes(previewLog[sentBefore...]).filter { $0.hasPrefix("DELETE") }.isEmpty)

        let destroyed = try await emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket", "--yes"])
        #expect(destroyed.status == 0, "\(destroyed.stdout + destroyed.stderr)")
        let after = try await state(emulator)
        for key in ["clusters", "kube", "service_accounts", "buckets"] {
            #expect(same(before[key], after[key]), "\(key) differs after destroy: \(after[key] ?? "nil")")
        }
        let helmCalls = try String(contentsOf: root.appendingPathComponent("helm-state/calls.log"), encoding: .utf8)
        #expect(helmCalls.contains("helm uninstall kuberay-operator --wait"), "\(helmCalls)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("helm-state/release-kuberay-operator").path))
        #expect(!FileManager.default.fileExists(atPath: emulator.workspace.appendingPathComponent("state.json").path), "the setup journal moves aside, so apply starts again from scratch")

        let logged = try await emulator.log().count
        let again = try await emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket", "--yes"])
        #expect(again.status == 0, "\(again.stdout + again.stderr)")
        #expect(again.stdout.contains("Nothing to destroy"), "\(again.stdout)")
        let againLog = try await emulator.log()
        #expect(changes(againLog.dropFirst(logged)) == [], "the second destroy changed something")
    }

    /// A run on an existing cluster and bucket: destroy keeps both and removes only what the run added (the
    /// RayCluster and its pods, the KSA, the IAM service account and both bindings). Killed (SIGKILL) in the middle,
    /// `resume` finishes it without sending a delete twice; then `apply` with the same answers runs again.
    @Test func testExistingClusterIsKeptAndAKilledDestroyResumes() async throws {
        let emulator = try await EmulatorHarness.start("e2e-destroy-existing")
        defer { emulator.stop() }
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "workloadPool": NSNull(), "rayOperator": false]],
                                 "buckets": [["name": Self.bucket, "location": "us-west1"]]])
        let before = try await state(emulator)
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)", "cluster.mode=existing", "bucket.create=false"]
        // Preflight for these answers runs in the apply after the destroy, below.
        let applied = try await emulator.applyForSetup(sets)
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")

        // Killed as soon as the second step runs: the first is done, the second may or may not have sent its delete.
        let wizard = Process()
        wizard.executableURL = try TestPaths.wizard
        wizard.arguments = ["destroy", "--workspace", emulator.workspace.path, "--yes"]
        wizard.environment = emulator.environment
        wizard.standardOutput = FileHandle.nullDevice
        wizard.standardError = FileHandle.nullDevice
        try Spawn.start(wizard)
        let journal = emulator.workspace.appendingPathComponent("destroy-state.json")
        // Watched from a thread of its own, polling every 10 ms: a step can be short, and the tests beside this one keep
        // Swift's cooperative pool busy.
        let killedAt: String? = try await offThePool {
            let deadline = Date().addingTimeInterval(600)
            while wizard.isRunning && Date() < deadline {
                if let data = try? Data(contentsOf: journal),
                   let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let steps = doc["steps"] as? [[String: Any]], steps.count > 1, steps[1]["status"] as? String == "running" {
                    kill(wizard.processIdentifier, SIGKILL)
                    wizard.waitUntilExit()
                    return steps[1]["id"] as? String
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            wizard.waitUntilExit()
            return nil
        }
        #expect(killedAt != nil, "the destroy ended before its second step was seen running")

        let resumed = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout + resumed.stderr)")
        #expect(resumed.stdout.contains("(earlier run)"), "\(resumed.stdout)")

        let log = try await emulator.log()
        for kind in ["delete-raycluster", "delete-serviceaccount", "delete-service-account"] {
            #expect(log.succeeded(kind) == 1, "\(kind) across the killed destroy and the resume")
        }
        #expect(log.count("delete-cluster") == 0)
        #expect(log.count("delete-bucket") == 0)
        let after = try await state(emulator)
        #expect(((after["clusters"] as? [String: Any])?["us-west1-b/cloud-bucket-cluster"]) != nil, "the existing cluster is kept")
        #expect(same(before["service_accounts"], after["service_accounts"]), "\(after["service_accounts"] ?? "nil")")
        let world = try #require((after["kube"] as? [String: Any])?["us-west1-b/cloud-bucket-cluster"] as? [String: Any])
        let objects = try #require(world["objects"] as? [String: [String: Any]])
        #expect((objects["rayclusters"]?.count) == 0)
        #expect((objects["pods"]?.count) == 0)
        #expect((objects["serviceaccounts"]?["default/my-ksa"]) == nil)
        func bindings(_ state: [String: Any]) -> Any? {
            ((state["buckets"] as? [String: Any])?[Self.bucket] as? [String: Any]).flatMap { ($0["policy"] as? [String: Any])?["bindings"] }
        }
        #expect(same(bindings(before), bindings(after)), "the bucket's bindings: \(bindings(after) ?? "nil")")

        let again = try await emulator.apply(sets)
        #expect(again.status == 0, "\(again.stdout + again.stderr)")
        #expect(!again.stdout.contains("(earlier run)"), "apply after destroy starts from scratch:\n\(again.stdout)")
        #expect(try await emulator.log().succeeded("create-raycluster") == 2)
    }
}
