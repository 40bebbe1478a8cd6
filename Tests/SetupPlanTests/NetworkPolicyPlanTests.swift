import Foundation
import SetupPlan
import TestKit
import WizardResources
import XCTest
import Yams

/// `ray.networkPolicy`: the head's NetworkPolicy (a valid networking.k8s.io/v1 object that selects exactly the head),
/// the enforcement GKE needs (Dataplane V2 on a new Standard cluster, a check of an existing one before any change),
/// its apply step, its teardown after the Ray pods, and its place in the plan's texts.
final class NetworkPolicyPlanTests: XCTestCase {
    private func answers(_ configure: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        a.ray.networkPolicy = true
        configure(&a)
        return a
    }

    private func plan(_ configure: (inout Answers) -> Void = { _ in }) -> Plan {
        PlanBuilder.build(answers(configure), checkScript: WizardResources.bucketProbeScript)
    }

    private func doc(_ answers: Answers) throws -> [String: Any] {
        try XCTUnwrap(try Yams.load(yaml: NetworkPolicyManifest(answers).yaml()) as? [String: Any])
    }

    /// The NetworkPolicy schema (Fixtures/networkpolicy-v1.schema.yaml).
    private func schema() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/networkpolicy-v1.schema.yaml")
        return try XCTUnwrap(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    func testSnapshotsWithTheNetworkPolicy() throws {
        let cases: [(String, Answers)] = [
            ("create-standard-network-policy_gke-addon_iam-service-account", answers()),
            ("existing-network-policy_helm_direct", answers { $0.cluster.mode = .existing; $0.operator = .helm; $0.identity.mode = .direct }),
            ("create-autopilot-network-policy_installed_direct",
             answers { $0.cluster.mode = .createAutopilot; $0.operator = .installed; $0.identity.mode = .direct }),
        ]
        for (name, a) in cases {
            let plan = PlanBuilder.build(a, checkScript: WizardResources.bucketProbeScript)
            try Snapshot.check(PlanText.render(plan), "\(name).txt", what: "plan for \(name)")
        }
    }

    func testOffByDefaultAndABooleanAnswer() throws {
        XCTAssertFalse(Answers().ray.networkPolicy)
        let plain = PlanBuilder.build(answers { $0.ray.networkPolicy = false }, checkScript: "print(1)")
        XCTAssertNil(plain.networkPolicy)
        XCTAssertNil(plain.step(.applyNetworkPolicy))
        XCTAssertFalse(plain.step(.createCluster)?.argv.contains("--enable-dataplane-v2") ?? true)
        XCTAssertFalse(plain.manifestFiles.map(\.name).contains(WorkspaceFiles.networkPolicy))

        let field = try XCTUnwrap(AnswerFields.field("ray.networkPolicy"))
        var parsed = Answers()
        XCTAssertThrowsError(try field.set("yes", in: &parsed)) { error in
            XCTAssertEqual((error as? FieldError)?.description, #"ray.networkPolicy "yes": must be true or false"#)
        }
        try field.set("true", in: &parsed)
        XCTAssertTrue(parsed.ray.networkPolicy)
        // The help says what it does, what it needs and why it is off.
        for words in ["namespace", "8265", "Dataplane V2", "Off by default"] {
            XCTAssertTrue(field.help.contains(words), "\(words): \(field.help)")
        }
    }

    func testThePolicyIsAValidNetworkPolicyThatSelectsOnlyTheHead() throws {
        let schema = try schema()
        for op in OperatorMode.allCases {
            let a = answers { $0.operator = op; $0.identity.namespace = "ray"; $0.ray.clusterName = "rc" }
            let policy = try doc(a)
            XCTAssertEqual(SchemaValidator.violations(of: policy, against: schema), [], "\(op)")
            let metadata = try XCTUnwrap(policy["metadata"] as? [String: Any])
            XCTAssertEqual(metadata["name"] as? String, "rc-head-ingress")
            XCTAssertEqual(metadata["namespace"] as? String, "ray")
            let spec = try XCTUnwrap(policy["spec"] as? [String: Any])
            XCTAssertEqual((spec["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String],
                           ["ray.io/cluster": "rc", "ray.io/node-type": "head"])
            XCTAssertEqual(spec["policyTypes"] as? [String], ["Ingress"], "egress is left alone: the pods reach Google's APIs")
            let rules = try XCTUnwrap(spec["ingress"] as? [[String: Any]])
            XCTAssertEqual(rules.count, 2)
            // Every pod of the namespace, any port: workers reach GCS (6379) and the raylet ports.
            XCTAssertEqual(rules[0]["from"] as? [[String: [String: String]]], [["podSelector": [:]]])
            XCTAssertNil(rules[0]["ports"])
            // The operator, to the dashboard only.
            XCTAssertEqual(rules[1]["ports"] as? [[String: AnyHashable]], [["protocol": "TCP", "port": 8265]])
            let peer = try XCTUnwrap((rules[1]["from"] as? [[String: Any]])?.first)
            switch op {
            case .helm, .gkeAddon:
                XCTAssertEqual((peer["namespaceSelector"] as? [String: Any])?["matchLabels"] as? [String: String],
                               ["kubernetes.io/metadata.name": op == .helm ? "default" : "gke-managed-system"])
                XCTAssertNil(peer["podSelector"])
            case .installed:
                XCTAssertEqual(peer["namespaceSelector"] as? [String: String], [:], "any namespace")
                XCTAssertEqual((peer["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String],
                               ["app.kubernetes.io/name": "kuberay-operator"])
            }
        }
    }

    func testTheAddonsRayMonitoringKeepsScrapingTheHeadsMetrics() throws {
        let schema = try schema()
        let policy = try doc(answers { $0.cluster.rayClusterMonitoring = true })
        XCTAssertEqual(SchemaValidator.violations(of: policy, against: schema), [])
        let rules = try XCTUnwrap((policy["spec"] as? [String: Any])?["ingress"] as? [[String: Any]])
        XCTAssertEqual(rules.count, 3)
        XCTAssertEqual(rules[2]["ports"] as? [[String: AnyHashable]], [["protocol": "TCP", "port": 8080]])
        let namespaces = (rules[2]["from"] as? [[String: Any]] ?? []).compactMap {
            (($0["namespaceSelector"] as? [String: Any])?["matchLabels"] as? [String: String])?["kubernetes.io/metadata.name"]
        }
        XCTAssertEqual(namespaces, ["gmp-system", "gke-gmp-system"])
        // Without the add-on's monitoring, no such rule.
        XCTAssertEqual(((try doc(answers())["spec"] as? [String: Any])?["ingress"] as? [Any])?.count, 2)
    }

    func testTheSchemaNamesAWrongFieldOrType() throws {
        let schema = try schema()
        var policy = try doc(answers())
        var spec = try XCTUnwrap(policy["spec"] as? [String: Any])
        var rules = try XCTUnwrap(spec["ingress"] as? [[String: Any]])
        rules[1]["ports"] = [["protocol": "HTTP", "port": 8265, "endPort": "9000"]]
        rules[0]["form"] = rules[0]["from"]
        spec["ingress"] = rules
        spec["policyTypes"] = "Ingress"
        policy["spec"] = spec
        XCTAssertEqual(SchemaValidator.violations(of: policy, against: schema).sorted(), [
            ".spec.ingress[0].form: unknown field",
            ".spec.ingress[1].ports[0].endPort: must be an integer, got String",
            ".spec.ingress[1].ports[0].protocol: HTTP is not one of [\"TCP\", \"UDP\", \"SCTP\"]",
            ".spec.policyTypes: must be an array",
        ])
    }

    func testANewStandardClusterGetsDataplaneV2AndAutopilotHasIt() throws {
        let standard = plan()
        let create = try XCTUnwrap(standard.step(.createCluster))
        XCTAssertEqual(create.argv.last, "--enable-dataplane-v2")
        XCTAssertTrue(create.why.contains("NetworkPolicy is enforced"), create.why)
        XCTAssertNil(standard.step(.checkPolicyEnforcement), "the cluster is made with it")
        let autopilot = plan { $0.cluster.mode = .createAutopilot }
        XCTAssertFalse(autopilot.step(.createCluster)?.argv.contains("--enable-dataplane-v2") ?? true, "Autopilot always has it")
        XCTAssertNil(autopilot.step(.checkPolicyEnforcement))
    }

    func testAnExistingClusterIsCheckedForEnforcementBeforeAnyChange() throws {
        let existing = plan { $0.cluster.mode = .existing }
        let check = try XCTUnwrap(existing.step(.checkPolicyEnforcement))
        XCTAssertEqual(check.kind, .check)
        XCTAssertEqual(Array(check.argv.suffix(2)), ["--format", "value(networkConfig.datapathProvider,networkPolicy.enabled)"])
        // Dataplane V2, or Calico enforcement; an unset field prints nothing in its column.
        XCTAssertTrue(check.success.accepts("ADVANCED_DATAPATH\n"))
        XCTAssertTrue(check.success.accepts("\tTrue\n"))
        XCTAssertTrue(check.success.accepts("LEGACY_DATAPATH\tTrue\n"))
        XCTAssertFalse(check.success.accepts("\n"))
        XCTAssertFalse(check.success.accepts("LEGACY_DATAPATH\tFalse\n"))
        XCTAssertFalse(check.success.accepts("ADVANCED_DATAPATH_X\n"))
        // Its why is the failure's hint: the field, the fix, the way out.
        for words in ["networkConfig.datapathProvider", "networkPolicy.enabled", "--update-addons NetworkPolicy=ENABLED",
                      "--enable-network-policy", "ray.networkPolicy false"] {
            XCTAssertTrue(check.why.contains(words), "\(words): \(check.why)")
        }
        let index = try XCTUnwrap(existing.steps.firstIndex { $0.id == .checkPolicyEnforcement })
        XCTAssertLessThan(index, try XCTUnwrap(existing.changingStepIndices.first), "before anything is created or changed")
        XCTAssertEqual(existing.steps[index - 1].id, .checkClusterType)
    }

    func testThePolicyIsAppliedBeforeTheRayClusterFromItsFile() throws {
        let p = plan { $0.identity.namespace = "ray" }
        let ids = p.steps.map(\.id)
        let apply = try XCTUnwrap(p.step(.applyNetworkPolicy))
        XCTAssertEqual(Array(apply.argv.prefix(4)), ["kubectl", "apply", "-f", "networkpolicy.yaml"])
        XCTAssertEqual(apply.files, [WorkspaceFiles.networkPolicy])
        XCTAssertEqual(p.contents(of: WorkspaceFiles.networkPolicy), p.networkPolicy)
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .createNamespace)), try XCTUnwrap(ids.firstIndex(of: .applyNetworkPolicy)))
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: .applyNetworkPolicy)), try XCTUnwrap(ids.firstIndex(of: .applyRayCluster)))
        XCTAssertTrue(p.manifestFiles.contains { $0.name == WorkspaceFiles.networkPolicy && $0.text == p.networkPolicy })
        XCTAssertTrue(PlanText.render(p).contains("--- networkpolicy.yaml ---\n" + (p.networkPolicy ?? "-")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(p).utf8)) as? [String: Any])
        XCTAssertEqual(json["networkPolicy"] as? String, p.networkPolicy)
        let without = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(plan { $0.ray.networkPolicy = false }).utf8))
                                    as? [String: Any])
        XCTAssertTrue(without["networkPolicy"] is NSNull, "present as null without the answer")
    }

    func testDestroyDeletesThePolicyOnceTheRayPodsAreGone() throws {
        let p = plan { $0.identity.namespace = "ray"; $0.operator = .helm }
        let records = Dictionary(uniqueKeysWithValues: p.steps.map { ($0.id, SetupRecord.done) })
        let destroy = DestroyPlanBuilder.build(setup: p, records: records, options: DestroyOptions())
        let ids = destroy.plan.steps.map(\.id.rawValue)
        XCTAssertEqual(Array(ids.drop { $0 != "delete-raycluster" }.prefix(6)),
                       ["delete-raycluster", "wait-ray-pods-gone", "delete-secret", "delete-rayjob", "delete-networkpolicy", "uninstall-operator"])
        let delete = try XCTUnwrap(destroy.plan.step(.delete(.networkpolicy)))
        XCTAssertEqual(Array(delete.argv.prefix(7)),
                       ["kubectl", "delete", "networkpolicy", "raycluster-mini-head-ingress", "--namespace", "ray", "--ignore-not-found"])
        XCTAssertNotNil(delete.probe)
        // Not applied (the run stopped before it): nothing to delete.
        let stopped = records.merging([.applyNetworkPolicy: .notRun]) { $1 }
        XCTAssertNil(DestroyPlanBuilder.build(setup: p, records: stopped, options: DestroyOptions()).plan.step(.delete(.networkpolicy)))
    }

    func testSetupScriptChecksEnforcementWithEitherWord() throws {
        let script = SetupScript.render(plan { $0.cluster.mode = .existing })
        XCTAssertTrue(script.contains("expect_any 2 ADVANCED_DATAPATH True gcloud container clusters describe"), script)
        // The library's has_any, run by bash.
        for (text, holds) in [("ADVANCED_DATAPATH\t", true), ("\tTrue", true), ("LEGACY_DATAPATH\tFalse", false), ("", false)] {
            let result = try runProcess("/bin/bash", ["-c", WizardResources.setupScriptLibrary + "\nhas_any 2 ADVANCED_DATAPATH True \"$1\"", "lib", text])
            XCTAssertEqual(result.status == 0, holds, "has_any on \(text.debugDescription)")
        }
    }
}
