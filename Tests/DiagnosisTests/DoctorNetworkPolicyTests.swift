import Diagnosis
import SetupPlan
import XCTest

/// doctor's NetworkPolicy link (with `ray.networkPolicy`): the policy exists, selects the head, and the cluster
/// enforces it; each broken form prints the plan's own command that repairs it.
final class DoctorNetworkPolicyTests: XCTestCase {
    private func check(_ checks: [Check]) throws -> Check {
        try XCTUnwrap(checks.first { $0.id == .networkPolicy }, "no network-policy check in \(checks.map(\.id))")
    }

    private func setup(_ configure: (inout SetupFixture) -> Void = { _ in }) -> SetupFixture {
        var setup = SetupFixture { $0.ray.networkPolicy = true; $0.identity.namespace = "ray" }
        configure(&setup)
        return setup
    }

    func testAPolicyOnTheHeadOfAnEnforcingClusterHolds() async throws {
        let checks = await setup().diagnose()
        let policy = try check(checks)
        XCTAssertEqual(policy.status, .ok)
        XCTAssertEqual(policy.title, "The NetworkPolicy ray/raycluster-mini-head-ingress guards the Ray head")
        XCTAssertEqual(policy.evidence, ["selects ray.io/cluster=raycluster-mini,ray.io/node-type=head; limits ingress",
                                         "enforced: Dataplane V2 (networkConfig.datapathProvider ADVANCED_DATAPATH)"])
        XCTAssertTrue(Doctor.healthy(checks))
        // Without the answer there is nothing to check.
        let without = await SetupFixture().diagnose()
        XCTAssertNil(without.first { $0.id == .networkPolicy })
    }

    func testAMissingPolicyIsBrokenWithThePlansApply() async throws {
        let checks = await setup { $0.networkPolicy = nil }.diagnose()
        let policy = try check(checks)
        XCTAssertEqual(policy.status, .broken)
        XCTAssertTrue(policy.evidence[0].hasPrefix("no NetworkPolicy raycluster-mini-head-ingress in ray"), "\(policy.evidence)")
        XCTAssertEqual(policy.fix, [["kubectl", "apply", "-f", "networkpolicy.yaml", "--context", "gke_demo-project_us-west1-b_cloud-bucket-cluster"]])
        XCTAssertTrue(policy.advice?.contains("workspace") ?? false)
    }

    func testAPolicyOnOtherPodsIsBroken() async throws {
        let checks = await setup { setup in
            var policy = setup.networkPolicy ?? [:]
            policy["spec"] = ["podSelector": ["matchLabels": ["ray.io/cluster": "raycluster-mini"]], "policyTypes": ["Egress"]]
            setup.networkPolicy = policy
        }.diagnose()
        let policy = try check(checks)
        XCTAssertEqual(policy.status, .broken)
        XCTAssertEqual(policy.evidence, ["selects ray.io/cluster=raycluster-mini; does not limit ingress",
                                         "it should select exactly the head (ray.io/cluster=raycluster-mini,ray.io/node-type=head) and limit its ingress"])
        XCTAssertEqual(policy.fix.first?.prefix(4), ["kubectl", "apply", "-f", "networkpolicy.yaml"])
    }

    func testAClusterThatEnforcesNothingIsBrokenWithTheUpdates() async throws {
        let legacy = await setup { $0.cluster["networkConfig"] = nil; $0.cluster["networkPolicy"] = ["enabled": true, "provider": "CALICO"] }.diagnose()
        XCTAssertEqual(try check(legacy).status, .ok)
        XCTAssertEqual(try check(legacy).evidence.last, "enforced: network policy enforcement (networkPolicy.enabled true)")

        let checks = await setup { $0.cluster["networkConfig"] = ["datapathProvider": "LEGACY_DATAPATH"] }.diagnose()
        let policy = try check(checks)
        XCTAssertEqual(policy.status, .broken)
        XCTAssertEqual(policy.evidence.last, "not enforced: the cluster has neither Dataplane V2 (networkConfig.datapathProvider is LEGACY_DATAPATH) "
                       + "nor networkPolicy.enabled")
        let location = ["--project", "demo-project", "--location", "us-west1-b"]
        XCTAssertEqual(policy.fix, [["gcloud", "container", "clusters", "update", "cloud-bucket-cluster"] + location + ["--update-addons", "NetworkPolicy=ENABLED"],
                                    ["gcloud", "container", "clusters", "update", "cloud-bucket-cluster"] + location + ["--enable-network-policy"]])
        XCTAssertEqual(checks.filter { $0.status == .broken }.map(\.id), [.networkPolicy])
    }
}
