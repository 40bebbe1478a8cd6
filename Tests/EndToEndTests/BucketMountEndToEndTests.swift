import Foundation
import SetupPlan
import TestKit
import XCTest

/// `bucket.mount: true` against the emulator with the real gcloud and kubectl: the Cloud Storage FUSE add-on
/// turned on for an existing cluster, the mount in the Ray pods, and the check both ways.
final class BucketMountEndToEndTests: XCTestCase {
    private let emulators = EmulatorRegistry()

    override func tearDown() {
        emulators.stopAll()
        super.tearDown()
    }

    func testMountOnAnExistingClusterEnablesTheAddonAndWorksBothWays() throws {
        let tools = try EndToEndTools.require()
        let emulator = try emulators.start(in: try TestPaths.temporaryFolder(self, "e2e-mount"), tools: tools)
        let project = EmulatorEndToEndTests.project, bucket = EmulatorEndToEndTests.bucket
        try emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "autopilot": false,
                                          "workloadPool": "\(project).svc.id.goog", "rayOperator": true]]])
        let result = try emulator.apply(["project=\(project)", "bucket.name=\(bucket)", "cluster.mode=existing", "bucket.mount=true"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        // Titles are cut to fit 80 columns.
        let addon = result.stdout.split(separator: "\n").first { $0.contains("] Enable the Cloud Storage FUSE") } ?? ""
        XCTAssertTrue(addon.hasSuffix("done") || addon.contains(" done "), result.stdout)
        XCTAssertFalse(addon.contains("already done"), result.stdout)
        let check = result.stdout.split(separator: "\n").first { $0.contains("] Check the bucket's mount both") } ?? ""
        XCTAssertTrue(check.contains(" done "), result.stdout)

        // One file each way on every Ray node: the head and the default worker group's pod.
        let context = "gke_\(project)_us-west1-b_cloud-bucket-cluster"
        let rayPods = try emulator.run("kubectl", ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context, "-o", "name"])
        let nodes = rayPods.stdout.split(separator: "\n").count
        XCTAssertGreaterThanOrEqual(nodes, 2, rayPods.stdout)
        let log = try emulator.log()
        XCTAssertEqual(log.succeeded("update-cluster-addons"), 1, "the add-on is turned on once")
        XCTAssertEqual(log.succeeded("fuse-write"), nodes, "a file written through the mount on each node")
        XCTAssertEqual(log.succeeded("fuse-read"), nodes, "an object read through the mount on each node")
        let written = log.filter { $0.kind == "fuse-write" }.map(\.path)
        XCTAssertTrue(written.allSatisfy { $0.hasPrefix("/storage/v1/b/\(bucket)/o/\(MountCheck.prefix)/") }, "\(written)")

        // The emulator's model of GKE without the add-on: a Ray pod asking for the mount is refused.
        let off = try emulator.run("gcloud", ["container", "clusters", "update", "cloud-bucket-cluster", "--project", project,
                                               "--location", "us-west1-b", "--update-addons", "GcsFuseCsiDriver=DISABLED"])
        XCTAssertEqual(off.status, 0, off.stderr)
        let manifest = emulator.workspace.appendingPathComponent("raycluster.yaml").path
        XCTAssertEqual(try emulator.run("kubectl", ["delete", "-f", manifest, "--context", context]).status, 0)
        XCTAssertEqual(try emulator.run("kubectl", ["apply", "-f", manifest, "--context", context]).status, 0)
        let reason = try emulator.run("kubectl", ["get", "raycluster", "raycluster-mini", "--context", context, "-o", "jsonpath={.status.reason}"])
        XCTAssertTrue(reason.stdout.contains("GcsFuseCsiDriver"), reason.stdout + reason.stderr)
        let pods = try emulator.run("kubectl", ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context, "-o", "name"])
        XCTAssertEqual(pods.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "", "no Ray pod without the add-on")
    }
}
