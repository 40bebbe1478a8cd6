import Foundation
import TestKit
import XCTest

/// A wait for Ray worker pods that fails, with the real gcloud and kubectl against the emulator: the hint names the
/// group and quotes the pod's own reason, as the cluster reports it.
final class WorkerWaitEndToEndTests: XCTestCase {
    /// A GPU group that keeps a pod, in a new project without GPU quota: GKE's autoscaler cannot add the node, so the
    /// wait for the workers fails, and its hint names the group and quotes the autoscaler's event on the pod, not the
    /// head. Once the quota is raised, resume finishes with the GPU worker checked.
    func testGPUWorkersOverQuotaStopAtTheirWaitWithTheAutoscalersReason() throws {
        let emulator = try EmulatorHarness(root: try TestPaths.temporaryFolder(self, "e2e-gpu-quota"), tools: try EndToEndTools.require())
        addTeardownBlock { emulator.stop() }
        try emulator.seed(["quotas": ["preset": "new-project"]])
        let sets = ["project=demo-project", "bucket.name=my-bucket",
                    "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"]
        let first = try emulator.apply(sets, extra: ["--timeout", "wait-workers=3"])
        XCTAssertEqual(first.status, 1, first.stdout + first.stderr)
        let out = first.stdout.replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(out.contains("failed: Wait for the Ray worker pods to be Ready"), first.stdout)
        XCTAssertTrue(out.contains("Hint: Timed out after 3.0s: The Ray worker pods of group gpu did not become Ready: raycluster-mini-gpu-worker-"),
                      first.stdout)
        XCTAssertTrue(out.contains("is Pending: FailedScaleUp: Node scale up in zones us-west1-b associated with this pod failed: "
                                   + "GCE quota exceeded. Pod is at risk of not being scheduled."), first.stdout)
        XCTAssertTrue(out.contains("--set ray.workers[1].minReplicas=0 --replan."), first.stdout)
        XCTAssertFalse(out.contains("head pod did not become"), first.stdout)

        try emulator.seed(["quotas": ["preset": "new-project", "regions": ["us-west1": ["NVIDIA_L4_GPUS": 1]],
                                      "global": ["GPUS_ALL_REGIONS": 1]]])
        let resumed = try emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("gpu-"), resumed.stdout)
    }
}
