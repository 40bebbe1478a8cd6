import Foundation
import TestKit
import Testing

/// Ray token authentication with the real gcloud and kubectl against the emulator, on an operator without
/// `spec.authOptions` (the emulator's `kuberay-without-auth-options`): the run makes the token Secret itself from a
/// token on kubectl's stdin, every Ray container reads it, the checks (which the emulator refuses without it) pass,
/// the token is in no file, output or event of the wizard, doctor finds auth on, and destroy leaves no Secret.
/// The operator's own form (`authOptions`) is the default setup of DoctorEndToEndTests. The same setup carries
/// `ray.networkPolicy`: the cluster is made with Dataplane V2, the head's NetworkPolicy is in the cluster before the
/// RayCluster, every check passes with it, doctor finds it, and destroy deletes it. The emulator's KubeRay operator
/// runs in another namespace than the add-on's the policy assumes, so its polls of the dashboard are dropped: apply
/// stops at the operator check with a hint that names the rule and the namespace; once networkpolicy.yaml says the
/// right namespace, resume applies it again and the check passes.
@Suite struct AuthEndToEndTests {
    private func state(_ emulator: EmulatorHarness) async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: await emulator.control("GET", "state")) as? [String: Any])
    }

    /// The objects of `resource` in the one cluster's Kubernetes API, by `namespace/name`.
    private func objects(_ state: [String: Any], _ resource: String) -> [String: [String: Any]] {
        let worlds = (state["kube"] as? [String: Any] ?? [:]).values.compactMap { $0 as? [String: Any] }
        return worlds.reduce(into: [:]) { all, world in
            for (key, object) in (world["objects"] as? [String: Any])?[resource] as? [String: Any] ?? [:] {
                all[key] = object as? [String: Any]
            }
        }
    }

    @Test func testTheManualFormsTokenIsOnlyInItsSecretAndDestroyRemovesIt() async throws {
        let emulator = try await EmulatorHarness.start("e2e-auth")
        defer { emulator.stop() }
        try await emulator.addFaults(["special": "kuberay-without-auth-options"])
        _ = try emulator.control("POST", "operator", ["namespace": "kuberay-system"])
        let sets = ["project=demo-project", "bucket.name=my-bucket", "identity.namespace=ray", "ray.networkPolicy=true"]
        // The check RayJob's submitter finishes at once here: a short wait is enough to see KubeRay never reads its status.
        let timeout = ["--timeout", "check-operator-reach=10"]
        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination (its NetworkPolicy
        // check reads only an existing cluster: EmulatorEndToEndTests' existing cluster without enforcement).
        let stopped = try await emulator.applyForSetup(sets, extra: ["--output", "json"] + timeout)
        #expect(stopped.status == 1, "\(stopped.stdout + stopped.stderr)")
        let events = stopped.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let finished = events.filter { $0["event"] as? String == "step-finished" }
        let check = try #require(events.first { $0["event"] as? String == "step-failed" }, "\(stopped.stdout)")
        #expect(check["step"] as? String == "check-operator-reach", "\(check)")
        let hint = check["hint"] as? [String: String] ?? [:]
        for words in ["KubeRay never recorded its status", "whose rule for the operator admits the namespace gke-managed-system",
                      "where the wizard assumes GKE runs its Ray operator", "put its namespace in that rule of networkpolicy.yaml"] {
            #expect((hint["summary"] ?? "").contains(words) || (hint["fix"] ?? "").contains(words), "\(words): \(hint)")
        }
        #expect((hint["fix"] ?? "").contains("kubectl get pods --all-namespaces -l app.kubernetes.io/name=kuberay-operator --context "
                                              + "gke_demo-project_us-west1-b_cloud-bucket-cluster"), "\(hint)")
        #expect((hint["fix"] ?? "").contains("kuberay-gcs-wizard resume --workspace"), "\(hint)")
        // The operator's polls were dropped, not refused: the Ray job ran, KubeRay recorded nothing.
        let polls = try await emulator.log().filter { $0.kind == "operator-get-job-info" }
        #expect(polls.map(\.status) == [0], "\(polls)")

        // The person puts the operator's namespace in the policy's rule and resumes: the policy is applied again, a new
        // check RayJob passes and is deleted.
        let policyFile = emulator.workspace.appendingPathComponent("networkpolicy.yaml")
        let assumed = try String(contentsOf: policyFile, encoding: .utf8)
        let rule = "kubernetes.io/metadata.name: gke-managed-system"
        #expect(assumed.contains(rule), "\(assumed)")
        try assumed.replacingOccurrences(of: rule, with: "kubernetes.io/metadata.name: kuberay-system")
            .write(to: policyFile, atomically: true, encoding: .utf8)
        // Preflight is proven for these answers as above.
        let applied = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path, "--output", "json", "--skip-preflight"]
                                                + timeout)
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        let resumed = applied.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "step-finished" }
        for step in ["apply-network-policy", "start-operator-check", "check-operator-reach", "end-operator-check"] {
            #expect(resumed.first { $0["step"] as? String == step }?["status"] as? String == "done", "\(step): \(applied.stdout)")
        }
        // The policy is applied again before the new job starts, so its polls get through from the first (the old job's
        // too, if they come before replace --force deletes it).
        let polled = try await emulator.log().filter { $0.kind == "operator-get-job-info" }.map(\.status)
        #expect(polled.first == 0 && polled.count >= 2 && polled.dropFirst().allSatisfy { $0 == 200 }, "\(polled)")
        #expect(finished.first { $0["step"] as? String == "check-auth-options" }?["result"] as? String == "raycluster-auth-manual.yaml")
        #expect(finished.first { $0["step"] as? String == "create-auth-secret" }?["status"] as? String == "done")

        // The Secret the run made holds a 64-hex-digit token; every Ray container, the autoscaler's too, reads it.
        let after = try await state(emulator)
        let secret = try #require(objects(after, "secrets")["ray/raycluster-mini"], "\(objects(after, "secrets").keys)")
        let encoded = try #require((secret["data"] as? [String: String])?["auth_token"])
        let decoded = try #require(Data(base64Encoded: encoded))
        let token = try #require(String(data: decoded, encoding: .utf8))
        #expect(token.wholeMatch(of: #/[0-9a-f]{64}/#) != nil, "a fresh random token")
        let pods = objects(after, "pods").values.filter { ($0["metadata"] as? [String: Any])?["namespace"] as? String == "ray" }
        #expect(pods.count >= 2)
        var containers = 0
        for pod in pods {
            for container in (pod["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? [] {
                containers += 1
                let env = container["env"] as? [[String: Any]] ?? []
                #expect(env.contains { $0["name"] as? String == "RAY_AUTH_MODE" && $0["value"] as? String == "token" }, "\(container)")
                let ref = env.first { $0["name"] as? String == "RAY_AUTH_TOKEN" }?["valueFrom"] as? [String: Any]
                #expect(ref?["secretKeyRef"] as? [String: String] == ["name": "raycluster-mini", "key": "auth_token"], "\(container)")
            }
        }
        #expect(containers > pods.count, "the head's autoscaler sidecar is a Ray container too")

        // The head's NetworkPolicy, applied before the RayCluster, on a cluster made with Dataplane V2.
        let policy = try #require(objects(after, "networkpolicies")["ray/raycluster-mini-head-ingress"], "\(objects(after, "networkpolicies").keys)")
        let selector = ((policy["spec"] as? [String: Any])?["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]
        #expect(selector == ["ray.io/cluster": "raycluster-mini", "ray.io/node-type": "head"])
        let cluster = (after["clusters"] as? [String: Any])?["us-west1-b/cloud-bucket-cluster"] as? [String: Any]
        #expect((cluster?["networkConfig"] as? [String: Any])?["datapathProvider"] as? String == "ADVANCED_DATAPATH", "\(String(describing: cluster))")
        let kinds = try await emulator.log().map(\.kind)
        #expect((kinds.firstIndex(of: "create-networkpolicy") ?? .max) < (kinds.firstIndex(of: "create-raycluster") ?? -1), "\(kinds)")
        let ingress = (policy["spec"] as? [String: Any])?["ingress"] as? [[String: Any]] ?? []
        #expect("\(ingress)".contains("kuberay-system"), "the corrected rule is in the cluster: \(ingress)")
        #expect(objects(after, "rayjobs").isEmpty, "the check RayJob was deleted: \(objects(after, "rayjobs").keys)")

        // doctor finds token auth on and the policy guarding the head.
        let doctor = try await emulator.wizard(["doctor", "--workspace", emulator.workspace.path, "--format", "json"])
        #expect(doctor.status == 0, "\(doctor.stdout + doctor.stderr)")
        #expect(doctor.stdout.contains("every pod template sets RAY_AUTH_MODE token and RAY_AUTH_TOKEN"), "\(doctor.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any])
        let policyCheck = (report["checks"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "network-policy" }
        #expect(policyCheck?["status"] as? String == "ok", "\(doctor.stdout)")
        // The emulator's operator is no pod doctor can list (as GKE's add-on may not be): doctor says apply's check decides.
        let reach = (report["checks"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "operator-reach" }
        #expect(reach?["status"] as? String == "warning", "\(doctor.stdout)")
        let advice = (reach?["advice"] as? String) ?? ""
        #expect(advice.contains("step check-operator-reach"), "\(doctor.stdout)")
        // A policy deleted by hand is doctor's one broken link; its fix, run in the workspace, puts it back.
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"
        let deleted = try await emulator.run("kubectl", ["delete", "networkpolicy", "raycluster-mini-head-ingress", "--namespace", "ray",
                                                         "--context", context])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let broken = try await emulator.wizard(["doctor", "--workspace", emulator.workspace.path, "--format", "json", "--no-exec"])
        #expect(broken.status == 1, "\(broken.stdout + broken.stderr)")
        let brokenReport = try #require(try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any])
        let brokenChecks = (brokenReport["checks"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "broken" }
        #expect(brokenChecks.compactMap { $0["id"] as? String } == ["network-policy"], "\(broken.stdout)")
        let fixes = brokenChecks.first?["fix"] as? [[String]] ?? []
        #expect(fixes == [["kubectl", "apply", "-f", "networkpolicy.yaml", "--context", context]], "\(fixes)")
        for argv in fixes {
            let fixed = try await emulator.run(argv[0], Array(argv.dropFirst()), cwd: emulator.workspace)
            #expect(fixed.status == 0, "\(fixed.stderr)")
        }
        #expect(objects(try await state(emulator), "networkpolicies")["ray/raycluster-mini-head-ingress"] != nil)
        let repaired = try await emulator.wizard(["doctor", "--workspace", emulator.workspace.path, "--no-exec"])
        #expect(repaired.status == 0, "\(repaired.stdout + repaired.stderr)")

        var plans: [ProcessResult] = []
        for format in ["text", "json", "script", "yaml"] {
            plans.append(try await emulator.wizard(["plan", "--format", format] + sets.flatMap { ["--set", $0] }))
        }

        let destroyed = try await emulator.wizard(["destroy", "--workspace", emulator.workspace.path, "--yes", "--output", "json"])
        #expect(destroyed.status == 0, "\(destroyed.stdout + destroyed.stderr)")
        #expect(destroyed.stdout.contains(#""step":"delete-secret""#), "\(destroyed.stdout)")
        let afterDestroy = try await state(emulator)
        #expect(objects(afterDestroy, "secrets").keys.filter { $0.hasPrefix("ray/") } == [], "destroy leaves no Secret")
        #expect(destroyed.stdout.contains(#""step":"delete-networkpolicy""#), "\(destroyed.stdout)")
        #expect(try await emulator.log().succeeded("delete-networkpolicy") == 2, "the one by hand above, and destroy's before the cluster went")
        #expect(objects(afterDestroy, "networkpolicies").isEmpty, "destroy leaves no NetworkPolicy")
        #expect(destroyed.stdout.contains(#""step":"delete-rayjob""#), "a check RayJob a cut-off run left goes too: \(destroyed.stdout)")

        // The token is in no file of the workspace (logs, journals, setup.sh, manifests) and in nothing printed.
        var files = 0
        let enumerator = try #require(FileManager.default.enumerator(at: emulator.workspace, includingPropertiesForKeys: nil))
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            files += 1
            let data = try Data(contentsOf: url)
            #expect(data.range(of: Data(token.utf8)) == nil, "\(url.lastPathComponent) holds the token")
            #expect(data.range(of: Data(encoded.utf8)) == nil, "\(url.lastPathComponent) holds the token in base64")
        }
        #expect(files > 20, "the logs, journals, manifests and setup.sh were searched")
        for (name, output) in [("apply --output json", stopped), ("resume --output json", applied), ("doctor", doctor), ("destroy", destroyed)]
            + zip(["plan text", "plan json", "plan script", "plan yaml"], plans).map({ ($0, $1) }) {
            #expect(!(output.stdout.contains(token) || output.stderr.contains(token)), "\(name) printed the token")
            #expect(!(output.stdout.contains(encoded) || output.stderr.contains(encoded)), "\(name) printed the token in base64")
        }
    }
}
