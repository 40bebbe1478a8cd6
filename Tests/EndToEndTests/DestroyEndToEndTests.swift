import Foundation
import TestKit
import XCTest

/// `destroy` after `apply`, by the real gcloud and kubectl against the emulator (see EmulatorEndToEndTests): what the
/// run created is gone, what it found stays, a killed destroy resumes, and a second destroy sends nothing.
final class DestroyEndToEndTests: XCTestCase {
    private let emulators = EmulatorRegistry()
    private static let project = "demo-project", bucket = "my-bucket"

    override func tearDown() {
        emulators.stopAll()
        super.tearDown()
    }

    private func state(_ emulator: EmulatorHarness) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: emulator.control("GET", "state")) as? [String: Any])
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
    func testDestroyAfterApplyLeavesNothingTheRunCreatedAndASecondDestroySendsNoDelete() throws {
        let tools = try EndToEndTools.require()
        let root = try TestPaths.temporaryFolder(self, "e2e-destroy")
        let emulator = try emulators.start(in: root, tools: tools)
        let before = try state(emulator)
        let applied = try emulator.apply(["project=\(Self.project)", "bucket.name=\(Self.bucket)", "operator=helm",
                                          "identity.namespace=ray"])
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        XCTAssertNotNil((try state(emulator)["buckets"] as? [String: Any])?[Self.bucket])

        let workspace = emulator.workspace.path
        // The apply's own check deleted its test objects: only what the preview sends counts.
        let sentBefore = try emulator.log().count
        let unconfirmed = try emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket"])
        XCTAssertEqual(unconfirmed.status, 2, "no terminal and no --yes: the preview only\n\(unconfirmed.stderr)")
        XCTAssertTrue(unconfirmed.stdout.contains("Delete the bucket gs://\(Self.bucket) and every object in it"), unconfirmed.stdout)
        XCTAssertTrue(unconfirmed.stderr.contains("nothing was deleted"), unconfirmed.stderr)
        XCTAssertTrue(changes(try emulator.log()[sentBefore...]).filter { $0.hasPrefix("DELETE") }.isEmpty)

        let destroyed = try emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket", "--yes"])
        XCTAssertEqual(destroyed.status, 0, destroyed.stdout + destroyed.stderr)
        let after = try state(emulator)
        for key in ["clusters", "kube", "service_accounts", "buckets"] {
            XCTAssertTrue(same(before[key], after[key]), "\(key) differs after destroy: \(after[key] ?? "nil")")
        }
        let helmCalls = try String(contentsOf: root.appendingPathComponent("helm-state/calls.log"), encoding: .utf8)
        XCTAssertTrue(helmCalls.contains("helm uninstall kuberay-operator --wait"), helmCalls)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("helm-state/release-kuberay-operator").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: emulator.workspace.appendingPathComponent("state.json").path),
                       "the setup journal moves aside, so apply starts again from scratch")

        let logged = try emulator.log().count
        let again = try emulator.wizard(["destroy", "--workspace", workspace, "--delete-bucket", "--yes"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("Nothing to destroy"), again.stdout)
        XCTAssertEqual(changes(try emulator.log().dropFirst(logged)), [], "the second destroy changed something")
    }

    /// A run on an existing cluster and bucket: destroy keeps both and removes only what the run added (the
    /// RayCluster and its pods, the KSA, the IAM service account and both bindings). Killed (SIGKILL) in the middle,
    /// `resume` finishes it without sending a delete twice; then `apply` with the same answers runs again.
    func testExistingClusterIsKeptAndAKilledDestroyResumes() throws {
        let tools = try EndToEndTools.require()
        let emulator = try emulators.start(in: try TestPaths.temporaryFolder(self, "e2e-destroy-existing"), tools: tools)
        try emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "workloadPool": NSNull(), "rayOperator": false]],
                           "buckets": [["name": Self.bucket, "location": "us-west1"]]])
        let before = try state(emulator)
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)", "cluster.mode=existing", "bucket.create=false"]
        let applied = try emulator.apply(sets)
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)

        // Killed as soon as the second step runs: the first is done, the second may or may not have sent its delete.
        let wizard = Process()
        wizard.executableURL = try TestPaths.wizard
        wizard.arguments = ["destroy", "--workspace", emulator.workspace.path, "--yes"]
        wizard.environment = emulator.environment
        wizard.standardOutput = FileHandle.nullDevice
        wizard.standardError = FileHandle.nullDevice
        try wizard.run()
        let journal = emulator.workspace.appendingPathComponent("destroy-state.json")
        let deadline = Date().addingTimeInterval(300)
        var killedAt: String?
        while wizard.isRunning && Date() < deadline && killedAt == nil {
            if let data = try? Data(contentsOf: journal),
               let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let steps = doc["steps"] as? [[String: Any]], steps.count > 1, steps[1]["status"] as? String == "running" {
                kill(wizard.processIdentifier, SIGKILL)
                killedAt = steps[1]["id"] as? String
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        wizard.waitUntilExit()
        XCTAssertNotNil(killedAt, "the destroy ended before its second step was seen running")

        let resumed = try emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("(earlier run)"), resumed.stdout)

        let log = try emulator.log()
        for kind in ["delete-raycluster", "delete-serviceaccount", "delete-service-account"] {
            XCTAssertEqual(log.succeeded(kind), 1, "\(kind) across the killed destroy and the resume")
        }
        XCTAssertEqual(log.count("delete-cluster"), 0)
        XCTAssertEqual(log.count("delete-bucket"), 0)
        let after = try state(emulator)
        XCTAssertNotNil((after["clusters"] as? [String: Any])?["us-west1-b/cloud-bucket-cluster"], "the existing cluster is kept")
        XCTAssertTrue(same(before["service_accounts"], after["service_accounts"]), "\(after["service_accounts"] ?? "nil")")
        let world = try XCTUnwrap((after["kube"] as? [String: Any])?["us-west1-b/cloud-bucket-cluster"] as? [String: Any])
        let objects = try XCTUnwrap(world["objects"] as? [String: [String: Any]])
        XCTAssertEqual(objects["rayclusters"]?.count, 0)
        XCTAssertEqual(objects["pods"]?.count, 0)
        XCTAssertNil(objects["serviceaccounts"]?["default/my-ksa"])
        func bindings(_ state: [String: Any]) -> Any? {
            ((state["buckets"] as? [String: Any])?[Self.bucket] as? [String: Any]).flatMap { ($0["policy"] as? [String: Any])?["bindings"] }
        }
        XCTAssertTrue(same(bindings(before), bindings(after)), "the bucket's bindings: \(bindings(after) ?? "nil")")

        let again = try emulator.apply(sets)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertFalse(again.stdout.contains("(earlier run)"), "apply after destroy starts from scratch:\n\(again.stdout)")
        XCTAssertEqual(try emulator.log().succeeded("create-raycluster"), 2)
    }
}
