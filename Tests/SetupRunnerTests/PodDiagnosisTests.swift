import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// Why a wait's pods are not Ready, from `kubectl get pods -o json` and `kubectl get events -o json` as kubectl prints
/// them (the messages are GKE's, the scheduler's and the kubelet's own).
final class PodDiagnosisTests: XCTestCase {
    static let workers = PodWait(role: .workers, groups: [.init(name: "cpu", index: 0), .init(name: "gpu", index: 1)], namespace: "ray", rayCluster: "raycluster-mini",
                                 listPods: [], listEvents: [])
    static let head = PodWait(role: .head, namespace: "ray", rayCluster: "raycluster-mini", listPods: [], listEvents: [])

    /// A pod as `kubectl get pods -o json` lists it.
    static func pod(_ name: String, group: String, phase: String = "Pending", conditions: String, containers: String = "") -> String {
        """
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "\(name)", "namespace": "ray",
                      "labels": {"ray.io/cluster": "raycluster-mini", "ray.io/group": "\(group)",
                                 "ray.io/node-type": "\(group == "headgroup" ? "head" : "worker")"}},
         "spec": {"containers": [{"name": "ray-worker", "image": "rayproject/ray:2.60.0"}]},
         "status": {"phase": "\(phase)", "qosClass": "Burstable", "conditions": [\(conditions)]\(containers)}}
        """
    }

    static func list(_ items: [String]) -> String {
        #"{"apiVersion": "v1", "kind": "List", "items": [\#(items.joined(separator: ","))], "metadata": {"resourceVersion": ""}}"#
    }

    static let ready = #"{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}"#
    static let unschedulable = #"""
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastTransitionTime": "2026-12-07T10:00:01Z",
         "message": "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."}
        """#

    static func event(_ object: String, kind: String = "Pod", type: String = "Warning", reason: String, message: String,
                      at time: String, component: String = "cluster-autoscaler") -> String {
        """
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "\(object).1", "namespace": "ray"},
         "involvedObject": {"apiVersion": "v1", "kind": "\(kind)", "name": "\(object)", "namespace": "ray"},
         "type": "\(type)", "reason": "\(reason)", "message": "\(message)", "count": 1,
         "firstTimestamp": "\(time)", "lastTimestamp": "\(time)", "source": {"component": "\(component)"}}
        """
    }

    static let quota = "Node scale up in zones us-west1-b associated with this pod failed: GCE quota exceeded. Pod is at risk of not being scheduled."

    func testAGPUWorkerWaitingForAScaleUpOverQuotaNamesItsGroupAndQuotesTheAutoscaler() throws {
        let pods = Self.list([
            Self.pod("raycluster-mini-cpu-worker-7dfqz", group: "cpu", phase: "Running", conditions: Self.ready),
            Self.pod("raycluster-mini-gpu-worker-x7k2p", group: "gpu", conditions: Self.unschedulable),
        ])
        let events = Self.list([
            Self.event("raycluster-mini-gpu-worker-x7k2p", type: "Normal", reason: "NotTriggerScaleUp",
                       message: "pod didn't trigger scale-up: 1 node(s) didn't match Pod's node affinity/selector", at: "2026-12-07T10:00:02Z"),
            Self.event("raycluster-mini-gpu-worker-x7k2p", reason: "FailedScaleUp", message: Self.quota, at: "2026-12-07T10:00:12Z"),
            Self.event("raycluster-mini-cpu-worker-7dfqz", type: "Normal", reason: "Pulled", message: "Container image pulled", at: "2026-12-07T10:00:30Z",
                       component: "kubelet"),
        ])
        let hint = try XCTUnwrap(PodDiagnosis.hint(Self.workers, pods: pods, events: events))
        XCTAssertEqual(hint.summary, "The Ray worker pods of group gpu did not become Ready: raycluster-mini-gpu-worker-x7k2p is Pending: "
                       + "FailedScaleUp: " + Self.quota)
        XCTAssertTrue(hint.fix.contains("quota"), hint.fix)
        XCTAssertTrue(hint.fix.hasSuffix("--set ray.workers[1].minReplicas=0 --replan."), hint.fix)
    }

    func testTheSchedulersMessageWhenTheAutoscalerSaysNothing() throws {
        let insufficient = #"""
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
             "message": "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."}
            """#
        let pods = Self.list([Self.pod("raycluster-mini-gpu-worker-abcde", group: "gpu", conditions: insufficient)])
        let hint = try XCTUnwrap(PodDiagnosis.hint(Self.workers, pods: pods, events: Self.list([])))
        XCTAssertEqual(hint.summary, "The Ray worker pods of group gpu did not become Ready: raycluster-mini-gpu-worker-abcde is Pending: "
                       + "Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: "
                       + "3 No preemption victims found for incoming pod.")
        XCTAssertTrue(hint.fix.contains("node pool"), hint.fix)
    }

    func testAStockoutAndAPoolAtItsMaximum() throws {
        let pods = Self.list([Self.pod("raycluster-mini-gpu-worker-abcde", group: "gpu", conditions: Self.unschedulable)])
        let stockout = Self.list([Self.event("raycluster-mini-gpu-worker-abcde", reason: "FailedScaleUp", message:
            "Node scale up in zones us-west1-b associated with this pod failed: GCE out of resources. Pod is at risk of not being scheduled.",
            at: "2026-12-07T10:00:12Z")])
        XCTAssertTrue(try XCTUnwrap(PodDiagnosis.hint(Self.workers, pods: pods, events: stockout)).fix.contains("stockout"))
        // The group's GPU type and the zone the autoscaler tried: what the hint looks for elsewhere in the region.
        var answers = Answers()
        answers.project = "demo-project"
        var gpu = WorkerGroup(name: "gpu")
        gpu.gpu = WorkerGroup.GPU(type: "nvidia-l4")
        answers.ray.workers = [WorkerGroup(name: "cpu"), gpu]
        XCTAssertEqual(PodDiagnosis.stockout(Self.workers, pods: pods, events: stockout, answers: answers),
                       Stockout(code: "GCE out of resources", zone: "us-west1-b", resource: .accelerator("nvidia-l4"), project: "demo-project"))
        let quota = Self.list([Self.event("raycluster-mini-gpu-worker-abcde", reason: "FailedScaleUp", message: Self.quota, at: "2026-12-07T10:00:12Z")])
        XCTAssertNil(PodDiagnosis.stockout(Self.workers, pods: pods, events: quota, answers: answers), "quota is not a stockout")
        let regional = Self.list([Self.event("raycluster-mini-gpu-worker-abcde", reason: "FailedScaleUp", message:
            "Node scale up in zones us-west1-a, us-west1-b, us-west1-c associated with this pod failed: GCE out of resources. Pod is at risk of not being scheduled.",
            at: "2026-12-07T10:00:12Z")])
        XCTAssertNil(PodDiagnosis.stockout(Self.workers, pods: pods, events: regional, answers: answers), "every zone tried: no zone to name")
        XCTAssertEqual(PodDiagnosis.scaleUpZones("Node scale up in zones us-west1-a, us-west1-c associated with this pod failed: x"),
                       ["us-west1-a", "us-west1-c"])
        let atMax = Self.list([Self.event("raycluster-mini-gpu-worker-abcde", type: "Normal", reason: "NotTriggerScaleUp",
                                          message: "pod didn't trigger scale-up: 1 max node group size reached", at: "2026-12-07T10:00:12Z")])
        let hint = try XCTUnwrap(PodDiagnosis.hint(Self.workers, pods: pods, events: atMax))
        XCTAssertTrue(hint.summary.hasSuffix("NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached"), hint.summary)
        XCTAssertTrue(hint.fix.contains("raise ray.workers[1].maxReplicas"), hint.fix)
    }

    func testAnImagePullBackOffQuotesTheRegistrysAnswer() throws {
        let containers = #"""
            , "containerStatuses": [{"name": "ray-head", "ready": false, "restartCount": 0, "image": "rayproject/ray:2.99.0",
              "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"rayproject/ray:2.99.0\""}}}]
            """#
        let pods = Self.list([Self.pod("raycluster-mini-head-q8z5w", group: "headgroup",
                                       conditions: #"{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "False", "reason": "ContainersNotReady"}"#,
                                       containers: containers)])
        let pull = #"Failed to pull image \"rayproject/ray:2.99.0\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/rayproject/ray:2.99.0\": docker.io/rayproject/ray:2.99.0: not found"#
        let events = Self.list([
            Self.event("raycluster-mini-head-q8z5w", reason: "Failed", message: pull, at: "2026-12-07T10:00:20Z", component: "kubelet"),
            Self.event("raycluster-mini-head-q8z5w", type: "Normal", reason: "BackOff", message: #"Back-off pulling image \"rayproject/ray:2.99.0\""#,
                       at: "2026-12-07T10:00:40Z", component: "kubelet"),
        ])
        let hint = try XCTUnwrap(PodDiagnosis.hint(Self.head, pods: pods, events: events))
        XCTAssertEqual(hint.summary, "The Ray head pod did not become Ready: raycluster-mini-head-q8z5w is Pending: ImagePullBackOff: "
                       + #"Failed to pull image "rayproject/ray:2.99.0": rpc error: code = NotFound desc = failed to pull and unpack image "#
                       + #""docker.io/rayproject/ray:2.99.0": docker.io/rayproject/ray:2.99.0: not found"#)
        XCTAssertTrue(hint.fix.contains("ray.image"), hint.fix)
    }

    func testNoPodAtAllQuotesTheRayClustersWarning() throws {
        let events = Self.list([Self.event("raycluster-mini", kind: "RayCluster", reason: "FailedCreateWorkerPod",
                                           message: #"pods \"raycluster-mini-gpu-worker-abcde\" is forbidden: error looking up service account ray/ray-ksa: serviceaccount \"ray-ksa\" not found"#,
                                           at: "2026-12-07T10:00:05Z", component: "raycluster-controller")])
        let hint = try XCTUnwrap(PodDiagnosis.hint(Self.workers, pods: Self.list([]), events: events))
        XCTAssertEqual(hint.summary, "The Ray worker pods of groups cpu, gpu did not become Ready: the KubeRay operator created no pod: "
                       + #"FailedCreateWorkerPod: pods "raycluster-mini-gpu-worker-abcde" is forbidden: error looking up service account "#
                       + #"ray/ray-ksa: serviceaccount "ray-ksa" not found"#)
    }

    func testUnreadableOutputGivesNoHintAndReadyPodsNone() {
        XCTAssertNil(PodDiagnosis.hint(Self.head, pods: "error: You must be logged in", events: "{}"))
        let pods = Self.list([Self.pod("raycluster-mini-head-q8z5w", group: "headgroup", phase: "Running", conditions: Self.ready)])
        XCTAssertNil(PodDiagnosis.hint(Self.head, pods: pods, events: Self.list([])))
    }

    /// Without the reads, kubectl's own timeout still names the pods the plan's wait step waits for.
    func testTheWaitStepsTimeoutNamesTheHeadOrTheWorkerGroups() throws {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "demo-bucket"
        answers.ray.workers[0].minReplicas = 1
        let plan = PlanBuilder.build(answers, checkScript: "")
        let stderr = ["error: timed out waiting for the condition on pods/raycluster-mini-workers-worker-abcde"]
        let head = try XCTUnwrap(plan.step(.waitHead)), workers = try XCTUnwrap(plan.step(.waitWorkers))
        XCTAssertEqual(FailureClassifier.hint(stderr: stderr, argv: head.argv)?.summary, "The Ray head pod did not become ready in time.")
        XCTAssertEqual(FailureClassifier.hint(stderr: stderr, argv: workers.argv)?.summary,
                       "The Ray worker pods of group workers did not become ready in time.")
        XCTAssertEqual(workers.pods?.groups, [PodWait.Group(name: "workers", index: 0)])
        XCTAssertEqual(workers.pods?.listPods.prefix(5), ["kubectl", "get", "pods", "-l",
                                                           "ray.io/cluster=raycluster-mini,ray.io/node-type=worker,ray.io/group in (workers)"])
    }
}
