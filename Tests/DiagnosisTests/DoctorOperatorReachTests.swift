import Diagnosis
import SetupPlan
import XCTest

/// doctor's operator link (with `ray.networkPolicy`), read-only: the KubeRay operator's pods against the rules of the
/// policy in the cluster, since KubeRay reads every RayJob's status from the dashboard.
final class DoctorOperatorReachTests: XCTestCase {
    private func check(_ checks: [Check]) throws -> Check {
        try XCTUnwrap(checks.first { $0.id == .operatorReach }, "no operator-reach check in \(checks.map(\.id))")
    }

    private func setup(_ configure: (inout SetupFixture) -> Void = { _ in }) -> SetupFixture {
        var setup = SetupFixture { $0.ray.networkPolicy = true; $0.identity.namespace = "ray" }
        configure(&setup)
        return setup
    }

    private static func pod(_ namespace: String, _ name: String = "kuberay-operator-5c6d-xyz12") -> [String: Any] {
        ["metadata": ["name": name, "namespace": namespace, "labels": ["app.kubernetes.io/name": "kuberay-operator"]]]
    }

    func testAnOperatorInTheAssumedNamespaceIsAdmitted() async throws {
        let checks = await setup().diagnose()
        let reach = try check(checks)
        XCTAssertEqual(reach.status, .ok)
        XCTAssertEqual(reach.title, "The KubeRay operator reaches the Ray dashboard (8265) through the NetworkPolicy")
        XCTAssertEqual(reach.evidence, ["operator pod gke-managed-system/kuberay-operator-7d9f-abcde: admitted on 8265"])
        XCTAssertTrue(Doctor.healthy(checks))
        let without = await SetupFixture().diagnose()
        XCTAssertNil(without.first { $0.id == .operatorReach }, "only with the answer")
        // An operator installed by someone else is matched by its pods' label in any namespace.
        let installed = await SetupFixture { $0.ray.networkPolicy = true; $0.operator = .installed }.diagnose()
        XCTAssertEqual(try check(installed).status, .ok)
    }

    func testAnOperatorElsewhereIsBrokenAndSaysWhichNamespaceToPutInTheRule() async throws {
        let checks = await setup { $0.operatorPods = [Self.pod("kuberay-system")] }.diagnose()
        let reach = try check(checks)
        XCTAssertEqual(reach.status, .broken)
        XCTAssertEqual(reach.evidence, ["operator pod kuberay-system/kuberay-operator-5c6d-xyz12: not admitted",
                                        "every RayJob, submit's included, stays Running without a status: KubeRay cannot read it"])
        XCTAssertEqual(reach.advice, "Put kuberay-system in the operator's rule of networkpolicy.yaml (namespaceSelector matchLabels "
            + "kubernetes.io/metadata.name: kuberay-system), then in the setup's workspace run kubectl apply -f networkpolicy.yaml --context "
            + "gke_demo-project_us-west1-b_cloud-bucket-cluster. Where the operators run: kubectl get pods --all-namespaces -l "
            + "app.kubernetes.io/name=kuberay-operator --context gke_demo-project_us-west1-b_cloud-bucket-cluster")
        XCTAssertFalse(Doctor.healthy(checks))
        // A policy edited to that namespace admits it; one of two operators admitted is enough.
        let edited = await setup { setup in
            setup.operatorPods = [Self.pod("kuberay-system"), Self.pod("gke-managed-system", "other")]
        }.diagnose()
        XCTAssertEqual(try check(edited).status, .ok)
    }

    func testNoVisibleOperatorIsAWarningThatPointsAtApplysCheck() async throws {
        let none = await setup { $0.operatorPods = [] }.diagnose()
        let reach = try check(none)
        XCTAssertEqual(reach.status, .warning)
        XCTAssertEqual(reach.evidence, ["no pod labelled app.kubernetes.io/name=kuberay-operator in any namespace (GKE may run its Ray operator "
                                        + "outside the cluster's pods)", "the policy's rule for the operator admits the namespace gke-managed-system"])
        XCTAssertTrue(reach.advice?.hasPrefix("apply proves it with a RayJob (step check-operator-reach") ?? false, "\(reach.advice ?? "")")
        // A missing policy is the policy link's to report.
        let missing = await setup { $0.networkPolicy = nil }.diagnose()
        XCTAssertEqual(try check(missing).status, .skipped)
    }

    /// The rule forms a person may write by hand: a port range or name, a podSelector beside the namespace, expressions.
    func testRuleFormsAPersonMayWrite() async throws {
        func reach(_ rule: [String: Any], _ pod: [String: Any] = DoctorOperatorReachTests.pod("kuberay-system")) async throws -> CheckStatus {
            let checks = await setup { setup in
                var policy = setup.networkPolicy ?? [:]
                var spec = policy["spec"] as? [String: Any] ?? [:]
                spec["ingress"] = [rule]
                policy["spec"] = spec
                setup.networkPolicy = policy
                setup.operatorPods = [pod]
            }.diagnose()
            return try check(checks).status
        }
        let ns: [String: Any] = ["namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": "kuberay-system"]]]
        let result = try await reach(["from": [ns], "ports": [["port": 8000, "endPort": 9000]]])
        XCTAssertEqual(result, .ok)
        let named = try await reach(["from": [ns], "ports": [["port": "dashboard"]]])
        XCTAssertEqual(named, .ok)
        let otherPort = try await reach(["from": [ns], "ports": [["protocol": "TCP", "port": 8080]]])
        XCTAssertEqual(otherPort, .broken)
        let expression = try await reach(["from": [["namespaceSelector": ["matchExpressions": [
            ["key": "kubernetes.io/metadata.name", "operator": "In", "values": ["kuberay-system", "other"]]]]]]])
        XCTAssertEqual(expression, .ok)
        let wrongPods = try await reach(["from": [ns.merging(["podSelector": ["matchLabels": ["app": "other"]]]) { $1 }]])
        XCTAssertEqual(wrongPods, .broken)
        // A podSelector alone means pods of the policy's own namespace.
        let ownNamespace = try await reach(["from": [["podSelector": [String: String]()]]])
        XCTAssertEqual(ownNamespace, .broken)
        let inRay = try await reach(["from": [["podSelector": [String: String]()]]], Self.pod("ray"))
        XCTAssertEqual(inRay, .ok)
    }
}
