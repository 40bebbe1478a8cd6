import Foundation
import SetupPlan
import WizardResources
import XCTest
import Yams

/// With `ray.networkPolicy` the plan proves the KubeRay operator reaches the dashboard through the policy: a RayJob
/// built as `submit` builds one, started afresh, waited for with a bound, then deleted; destroy removes one a cut-off
/// run left.
final class OperatorCheckPlanTests: XCTestCase {
    private func answers(_ configure: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        a.identity.namespace = "ray"
        a.ray.networkPolicy = true
        configure(&a)
        return a
    }

    private func plan(_ configure: (inout Answers) -> Void = { _ in }) -> Plan {
        PlanBuilder.build(answers(configure), checkScript: WizardResources.bucketProbeScript)
    }

    func testThreeStepsAfterTheHeadAndThePolicyWithTheirNeeds() throws {
        let p = plan()
        let ids = p.steps.map(\.id)
        XCTAssertEqual(Array(ids.suffix(3)), [.startOperatorCheck, .checkOperatorReach, .endOperatorCheck])
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"
        let start = try XCTUnwrap(p.step(.startOperatorCheck))
        XCTAssertEqual(start.argv, ["kubectl", "replace", "--force", "-f", "rayjob-operator-check.yaml", "--context", context])
        XCTAssertEqual(start.files, ["rayjob-operator-check.yaml"])
        // The KSA and the token's Secret come before the RayCluster, so the head's wait implies them; the policy is named
        // too, since a resume after a failed check applies it again before the new job.
        XCTAssertEqual(start.needs, [.waitHead, .applyNetworkPolicy])
        let check = try XCTUnwrap(p.step(.checkOperatorReach))
        XCTAssertEqual(check.argv, ["kubectl", "wait", "rayjob/raycluster-mini-job-operator-check", "--for=jsonpath={.status.jobStatus}=SUCCEEDED",
                                    "--namespace", "ray", "--timeout=300s", "--context", context])
        XCTAssertEqual(check.needs, [.startOperatorCheck])
        XCTAssertGreaterThan(check.timeoutSeconds, OperatorCheck.waitSeconds, "kubectl's own wait ends first and says so")
        XCTAssertEqual(check.restartsWith, [.applyNetworkPolicy, .startOperatorCheck])
        XCTAssertEqual(check.rayJob?.readJob, ["kubectl", "get", "rayjob", "raycluster-mini-job-operator-check", "--namespace", "ray", "-o", "json",
                                               "--context", context])
        XCTAssertTrue(check.why.contains("as the namespace gke-managed-system"), check.why)
        let end = try XCTUnwrap(p.step(.endOperatorCheck))
        XCTAssertEqual(end.argv, ["kubectl", "delete", "rayjob", "raycluster-mini-job-operator-check", "--namespace", "ray", "--ignore-not-found",
                                  "--context", context])
        XCTAssertEqual(end.needs, [.checkOperatorReach])

        let off = plan { $0.ray.networkPolicy = false }
        XCTAssertTrue(off.steps.allSatisfy { ![.startOperatorCheck, .checkOperatorReach, .endOperatorCheck].contains($0.id) })
        XCTAssertFalse(off.workspaceFiles.map(\.name).contains("rayjob-operator-check.yaml"))
        XCTAssertNil(off.contents(of: "rayjob-operator-check.yaml"))
    }

    /// The check's RayJob is submit's: on the wizard's RayCluster by clusterSelector, the submitter as the KSA with the
    /// token from the cluster's Secret, and a Python one-liner that needs nothing installed.
    func testTheJobIsSubmitsFormOnTheWizardsCluster() throws {
        let p = plan()
        let text = try XCTUnwrap(p.workspaceFiles.first { $0.name == "rayjob-operator-check.yaml" }?.text)
        XCTAssertEqual(p.contents(of: "rayjob-operator-check.yaml"), text)
        XCTAssertTrue(text.hasPrefix("# Written by kuberay-gcs-wizard: the setup's check that the KubeRay operator reaches the Ray dashboard"), text)
        let doc = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        let metadata = try XCTUnwrap(doc["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["name"] as? String, "raycluster-mini-job-operator-check")
        XCTAssertEqual(metadata["namespace"] as? String, "ray")
        let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        XCTAssertEqual(spec["clusterSelector"] as? [String: String], ["ray.io/cluster": "raycluster-mini"])
        XCTAssertEqual(spec["entrypoint"] as? String, "python -c 'import platform; print(platform.node())'")
        let submitter = try XCTUnwrap((spec["submitterPodTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        XCTAssertEqual(submitter["serviceAccountName"] as? String, "my-ksa")
        let env = ((submitter["containers"] as? [[String: Any]])?.first?["env"] as? [[String: Any]]) ?? []
        XCTAssertTrue(env.contains { $0["name"] as? String == "RAY_AUTH_TOKEN" }, "\(env)")
        XCTAssertEqual(RayJobManifest(answers(), target: .wizardCluster, name: "raycluster-mini-job-operator-check",
                                      entrypoint: "python -c 'import platform; print(platform.node())'"),
                       OperatorCheck(answers()).submission.manifest)
    }

    func testDestroyDeletesALeftoverCheckJobBeforeThePolicy() throws {
        let p = plan()
        let records = Dictionary(uniqueKeysWithValues: p.steps.map { ($0.id, SetupRecord.done) })
        let destroy = DestroyPlanBuilder.build(setup: p, records: records, options: DestroyOptions()).plan
        let delete = try XCTUnwrap(destroy.step(.delete(.rayjob)))
        XCTAssertEqual(Array(delete.argv.prefix(7)),
                       ["kubectl", "delete", "rayjob", "raycluster-mini-job-operator-check", "--namespace", "ray", "--ignore-not-found"])
        let ids = destroy.steps.map(\.id)
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .delete(.rayjob))), try XCTUnwrap(ids.firstIndex(of: .delete(.networkpolicy))))
        // Never started: nothing to delete.
        let stopped = records.merging([.startOperatorCheck: .notRun]) { $1 }
        XCTAssertNil(DestroyPlanBuilder.build(setup: p, records: stopped, options: DestroyOptions()).plan.step(.delete(.rayjob)))
    }
}
