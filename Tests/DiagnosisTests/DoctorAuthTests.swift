import Diagnosis
import SetupPlan
import XCTest

/// doctor's two token-auth links: the RayCluster and its pods, and the Secret.
final class DoctorAuthTests: XCTestCase {
    private func check(_ id: CheckID, _ checks: [Check]) throws -> Check {
        try XCTUnwrap(checks.first { $0.id == id }, "no check \(id) in \(checks.map(\.id))")
    }

    private func broken(_ checks: [Check]) -> [String] {
        checks.filter { $0.status == .broken && !$0.id.isPod }.map(\.id.rawValue)
    }

    /// The fixture with token auth off in the RayCluster and in its pods.
    private func authOff(_ configure: (inout SetupFixture) -> Void = { _ in }) -> SetupFixture {
        var setup = SetupFixture()
        var cluster = setup.rayCluster ?? [:]
        var spec = cluster["spec"] as? [String: Any] ?? [:]
        spec.removeValue(forKey: "authOptions")
        cluster["spec"] = spec
        setup.rayCluster = cluster
        setup.pods = setup.pods.map { pod in
            var pod = pod
            pod["spec"] = ["serviceAccountName": "my-ksa", "containers": [["name": "ray-head"]]]
            return pod
        }
        configure(&setup)
        return setup
    }

    func testHealthyTokenAuthAndItsSecretAreOK() async throws {
        let checks = await SetupFixture().diagnose()
        XCTAssertEqual(try check(.rayAuth, checks).status, .ok)
        XCTAssertEqual(try check(.rayAuth, checks).evidence.first, "spec.authOptions.mode token: the operator gives every Ray container the token")
        XCTAssertEqual(try check(.authSecret, checks).status, .ok)
        // With ray.auth none there is nothing to check.
        let open = await SetupFixture { $0.ray.auth = .none }.diagnose()
        XCTAssertNil(open.first { $0.id == .rayAuth || $0.id == .authSecret })
    }

    func testAuthOffIsFlaggedWithThePatchOrTheManualFormsAdvice() async throws {
        let checks = await authOff().diagnose()
        XCTAssertEqual(broken(checks), ["ray-auth"])
        let auth = try check(.rayAuth, checks)
        XCTAssertTrue(auth.evidence[0].contains("no spec.authOptions, and no RAY_AUTH_MODE token in head, gpu"), "\(auth.evidence)")
        XCTAssertTrue(auth.evidence[0].contains("8265"), "\(auth.evidence)")
        XCTAssertEqual(auth.fix.count, 2)
        XCTAssertEqual(Array(auth.fix[0].prefix(4)), ["kubectl", "patch", "rayclusters.ray.io", "raycluster-mini"])
        XCTAssertTrue(auth.fix[0].contains(#"[{"op":"add","path":"\/spec\/authOptions","value":{"mode":"token"}}]"#)
                      || auth.fix[0].contains(#"[{"op":"add","path":"/spec/authOptions","value":{"mode":"token"}}]"#), "\(auth.fix[0])")
        XCTAssertTrue(auth.fix[1].contains("delete"), "restarts the pods: \(auth.fix[1])")
        // The Secret link waits for auth to be on.
        XCTAssertEqual(try check(.authSecret, checks).status, .skipped)

        let old = await authOff { $0.crdAuthOptions = false }.diagnose()
        let oldAuth = try check(.rayAuth, old)
        XCTAssertEqual(oldAuth.status, .broken)
        XCTAssertEqual(oldAuth.fix, [])
        XCTAssertTrue(oldAuth.advice?.contains(WorkspaceFiles.manualAuthManifest) == true, "\(oldAuth.advice ?? "")")
    }

    func testTheManualFormIsOnAndPodsStartedBeforeItAreRestarted() async throws {
        var manual = authOff()
        let env: [[String: Any]] = [["name": "RAY_AUTH_MODE", "value": "token"],
                                    ["name": "RAY_AUTH_TOKEN", "valueFrom": ["secretKeyRef": ["name": "raycluster-mini", "key": "auth_token"]]]]
        var cluster = manual.rayCluster ?? [:]
        var spec = cluster["spec"] as? [String: Any] ?? [:]
        let template: [String: Any] = ["spec": ["serviceAccountName": "my-ksa", "containers": [["name": "ray-head", "env": env]],
                                                "nodeSelector": [RayClusterManifest.metadataServerLabel: "true"]]]
        spec["headGroupSpec"] = ["template": template]
        spec["workerGroupSpecs"] = [["groupName": "gpu", "template": template]]
        cluster["spec"] = spec
        manual.rayCluster = cluster
        let checks = await manual.diagnose()
        let auth = try check(.rayAuth, checks)
        XCTAssertEqual(auth.status, .broken, "the pods still run without the token")
        XCTAssertEqual(auth.evidence.first, "every pod template sets RAY_AUTH_MODE token and RAY_AUTH_TOKEN")
        XCTAssertTrue(auth.evidence.contains { $0.contains("raycluster-mini-head-abcde (head): ray-head without the token") }, "\(auth.evidence)")
        XCTAssertEqual(auth.fix.count, 1)
        XCTAssertTrue(auth.fix[0].contains("delete"), "\(auth.fix)")

        manual.pods = SetupFixture().pods
        let healthy = await manual.diagnose()
        XCTAssertEqual(try check(.rayAuth, healthy).status, .ok)

        // Its Secret is the plan's to make: the advice is the plan's own command, on the setup's cluster.
        manual.authSecretKeys = nil
        let advice = try check(.authSecret, await manual.diagnose()).advice ?? ""
        XCTAssertTrue(advice.contains("od -An -vtx1 -N32 /dev/urandom | tr -d ' \\n' | kubectl create secret generic raycluster-mini "
                                      + "--namespace default --from-file=auth_token=/dev/stdin --context gke_"), advice)
    }

    func testAMissingSecretIsFlagged() async throws {
        let checks = await { () -> [Check] in
            var setup = SetupFixture()
            setup.authSecretKeys = nil
            return await setup.diagnose()
        }()
        XCTAssertEqual(broken(checks), ["auth-secret"])
        let secret = try check(.authSecret, checks)
        XCTAssertEqual(secret.evidence, ["no Secret raycluster-mini in default: Ray containers that read the token cannot start"])
        XCTAssertTrue(secret.advice?.contains("operator makes a new token Secret") == true)
        var wrongKey = SetupFixture()
        wrongKey.authSecretKeys = ["token"]
        let wrong = await wrongKey.diagnose()
        XCTAssertEqual(try check(.authSecret, wrong).status, .broken)
        XCTAssertEqual(try check(.authSecret, wrong).evidence, ["Secret raycluster-mini has no auth_token (keys: token)"])
    }
}
