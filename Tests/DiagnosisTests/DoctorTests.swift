import Diagnosis
import RunViews
import SetupPlan
import XCTest

/// doctor's decisions, one broken link at a time: each is found as exactly that link, with the plan's own fix.
final class DoctorTests: XCTestCase {
    /// The broken links, leaving out the in-pod checks (symptoms that name their cause).
    private func brokenLinks(_ checks: [Check], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        for check in checks where check.id.isPod && check.status == .broken {
            let configuration = checks.filter { !$0.id.isPod && $0.status == .broken }
            if !configuration.isEmpty { XCTAssertNotNil(check.cause, "\(check.id) broken without a cause", file: file, line: line) }
        }
        return checks.filter { $0.status == .broken && !$0.id.isPod }.map(\.id.rawValue)
    }

    private func check(_ id: CheckID, _ checks: [Check]) throws -> Check {
        try XCTUnwrap(checks.first { $0.id == id }, "no check \(id) in \(checks.map(\.id))")
    }

    private func planStep(_ answers: Answers, _ id: StepID) throws -> [String] {
        try XCTUnwrap(PlanBuilder.build(answers, checkScript: "").step(id)).argv
    }

    private func existingPlanStep(_ answers: Answers, _ id: StepID) throws -> [String] {
        var existing = answers
        existing.cluster.mode = .existing
        existing.cluster.location = answers.clusterLocation
        existing.cluster.autopilot = answers.isAutopilot
        return try planStep(existing, id)
    }

    // MARK: Healthy

    func testHealthySetupsHaveEveryLinkOK() async {
        let setups: [(String, SetupFixture)] = [
            ("iam-sa standard", SetupFixture()),
            ("direct standard", SetupFixture { $0.identity.mode = .direct }),
            ("iam-sa autopilot", SetupFixture { $0.cluster.mode = .createAutopilot }),
            ("direct existing in a namespace", SetupFixture { $0.identity.mode = .direct; $0.cluster.mode = .existing; $0.identity.namespace = "ray" }),
        ]
        for (name, setup) in setups {
            let checks = await setup.diagnose()
            XCTAssertEqual(checks.filter { $0.status != .ok }.map(\.id), [], name)
            XCTAssertTrue(Doctor.healthy(checks), name)
            // Both pods (head and worker group) were probed.
            XCTAssertEqual(checks.filter { $0.id.isPod }.count, 2, name)
        }
    }

    func testEveryReadIsReadOnly() {
        let mutating = ["create", "update", "delete", "add-iam-policy-binding", "set-iam-policy", "apply", "patch", "annotate", "enable", "rm"]
        for setup in [SetupFixture(), SetupFixture { $0.identity.mode = .direct }] {
            let doctor = Doctor(answers: setup.answers, probeScript: "probe")
            var results: [String: ReadResult] = [:]
            var all: [DoctorRead] = []
            for _ in 0..<5 {
                let reads = doctor.reads(after: results)
                all += reads
                for read in reads { results[read.id] = setup.answer(read.id) }
            }
            XCTAssertGreaterThan(all.count, 12)
            for read in all {
                // The probe's own arguments come after "--" and are the bucket, its object and a count.
                let command = read.argv.prefix { $0 != "--" }
                XCTAssertTrue(Set(command).isDisjoint(with: mutating), read.argv.joined(separator: " "))
                if read.argv.first == "gcloud", read.argv[1] != "config" { XCTAssertEqual(Array(read.argv.suffix(2)).first, "--format", read.id) }
                if read.argv.first == "kubectl", read.argv[1] == "get", read.argv[2] != "secret" { XCTAssertTrue(read.argv.contains("json"), read.id) }
                if read.argv.starts(with: ["kubectl", "get", "secret"]) {
                    // Its name and keys only: a Secret's values never reach doctor's output.
                    XCTAssertTrue(read.argv.contains(Doctor.secretKeysTemplate), read.argv.joined(separator: " "))
                }
            }
        }
    }

    // MARK: One broken link each

    func testMissingWorkloadIdentityUserBinding() async throws {
        var setup = SetupFixture()
        setup.serviceAccountPolicy = ["bindings": []]
        setup.probes = setup.probes.mapValues { _ in ["identity": setup.answers.iamServiceAccountEmail, "token_error": "Permission 'iam.serviceAccounts.getAccessToken' denied"] }
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["wi-binding"])
        XCTAssertEqual(try check(.workloadIdentityBinding, checks).fix, [try planStep(setup.answers, .bindWorkloadIdentity)])
        let pod = try XCTUnwrap(checks.first { $0.id.isPod })
        XCTAssertEqual(pod.status, .broken)
        XCTAssertEqual(pod.cause, try check(.workloadIdentityBinding, checks).title)
    }

    func testBindingForAnotherNamespaceOrKSAIsNamed() async throws {
        var setup = SetupFixture()
        setup.serviceAccountPolicy = ["bindings": [["role": "roles/iam.workloadIdentityUser",
                                                    "members": ["serviceAccount:demo-project.svc.id.goog[ray/my-ksa]",
                                                                "serviceAccount:demo-project.svc.id.goog[default/other-ksa]"]]]]
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["wi-binding"])
        let evidence = try check(.workloadIdentityBinding, checks).evidence.joined(separator: "\n")
        XCTAssertTrue(evidence.contains("the namespace is ray, not default"), evidence)
        XCTAssertTrue(evidence.contains("the KSA is other-ksa, not my-ksa"), evidence)
    }

    func testAnnotationMissingMisspeltOrNamingAnotherAccount() async throws {
        for (annotations, expected) in [([String: String](), "no iam.gke.io/gcp-service-account annotation"),
                                        (["iam.gke.io/gcp-service-acount": "my-iam-sa@demo-project.iam.gserviceaccount.com"], "a misspelt"),
                                        (["iam.gke.io/gcp-service-account": "my-iam-sa2@demo-project.iam.gserviceaccount.com"], "no IAM service account my-iam-sa2@")] {
            var setup = SetupFixture()
            var ksa = try XCTUnwrap(setup.ksa)
            var metadata = try XCTUnwrap(ksa["metadata"] as? [String: Any])
            metadata["annotations"] = annotations
            ksa["metadata"] = metadata
            setup.ksa = ksa
            let checks = await setup.diagnose()
            XCTAssertEqual(brokenLinks(checks), ["annotation"], "\(annotations)")
            let annotation = try check(.annotation, checks)
            XCTAssertTrue(annotation.evidence.joined(separator: "\n").contains(expected), annotation.evidence.joined(separator: "\n"))
            XCTAssertEqual(annotation.fix, [try planStep(setup.answers, .annotateKSA)])
        }
    }

    func testNodeSelectorMisspeltOnAWorkerGroup() async throws {
        var setup = SetupFixture()
        var rayCluster = try XCTUnwrap(setup.rayCluster)
        var spec = try XCTUnwrap(rayCluster["spec"] as? [String: Any])
        spec["workerGroupSpecs"] = [["groupName": "gpu", "template": ["spec": ["serviceAccountName": "my-ksa",
                                                                              "nodeSelector": ["iam.gke.io/gke-metadata-server-enable": "true"]]]]]
        rayCluster["spec"] = spec
        setup.rayCluster = rayCluster
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["raycluster"])
        let link = try check(.rayCluster, checks)
        XCTAssertTrue(link.evidence.contains { $0.hasPrefix("worker group gpu:") && $0.contains("misspelt") }, link.evidence.joined(separator: "\n"))
        XCTAssertTrue(link.evidence.contains { $0.hasPrefix("head:") && !$0.contains("misspelt") })
        XCTAssertEqual(link.fix.count, 2)
        let patch = try XCTUnwrap(link.fix.first)
        XCTAssertEqual(Array(patch.prefix(3)), ["kubectl", "patch", "rayclusters.ray.io"])
        let operations = try XCTUnwrap(patch.firstIndex(of: "-p").map { patch[$0 + 1] })
        XCTAssertEqual(operations, #"[{"op":"remove","path":"/spec/workerGroupSpecs/0/template/spec/nodeSelector/iam.gke.io~1gke-metadata-server-enable"},"#
                       + #"{"op":"add","path":"/spec/workerGroupSpecs/0/template/spec/nodeSelector/iam.gke.io~1gke-metadata-server-enabled","value":"true"}]"#)
        XCTAssertTrue(link.fix[1].contains("ray.io/cluster=raycluster-mini,ray.io/group=gpu"), link.fix[1].joined(separator: " "))
    }

    func testNodeSelectorValueTrueCapitalisedAndMissing() async throws {
        for selector in [["iam.gke.io/gke-metadata-server-enabled": "True"], [:]] as [[String: String]] {
            var setup = SetupFixture()
            var rayCluster = try XCTUnwrap(setup.rayCluster)
            var spec = try XCTUnwrap(rayCluster["spec"] as? [String: Any])
            spec["headGroupSpec"] = ["template": ["spec": ["serviceAccountName": "my-ksa", "nodeSelector": selector]]]
            rayCluster["spec"] = spec
            setup.rayCluster = rayCluster
            let checks = await setup.diagnose()
            XCTAssertEqual(brokenLinks(checks), ["raycluster"], "\(selector)")
            let evidence = try check(.rayCluster, checks).evidence.joined(separator: "\n")
            XCTAssertTrue(evidence.contains(selector.isEmpty ? "no nodeSelector iam.gke.io/gke-metadata-server-enabled=true" : "is \"True\", not \"true\""), evidence)
        }
    }

    func testTemplateWithoutTheKSA() async throws {
        var setup = SetupFixture()
        var rayCluster = try XCTUnwrap(setup.rayCluster)
        var spec = try XCTUnwrap(rayCluster["spec"] as? [String: Any])
        spec["headGroupSpec"] = ["template": ["spec": ["nodeSelector": ["iam.gke.io/gke-metadata-server-enabled": "true"]]]]
        rayCluster["spec"] = spec
        setup.rayCluster = rayCluster
        setup.pods[0] = SetupFixture.pod("raycluster-mini-head-abcde", group: nil, ksa: "default")
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["raycluster"], "pods is skipped behind the template it comes from")
        XCTAssertEqual(try check(.pods, checks).status, .skipped)
    }

    func testPodsStartedBeforeTheKSAExisted() async throws {
        var setup = SetupFixture()
        setup.pods[1] = SetupFixture.pod("raycluster-mini-gpu-worker-fghij", group: "gpu", ksa: "my-ksa", created: "2026-01-01T09:59:59Z")
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["pods"])
        let pods = try check(.pods, checks)
        XCTAssertTrue(pods.evidence.joined().contains("before the KSA was created"), pods.evidence.joined(separator: "\n"))
        XCTAssertEqual(pods.fix, [["kubectl", "delete", "pod", "--namespace", "default", "-l", "ray.io/cluster=raycluster-mini,ray.io/group=gpu",
                                   "--context", setup.answers.kubeContext]])
    }

    func testWorkloadIdentityOffOnTheCluster() async throws {
        var setup = SetupFixture()
        setup.cluster["workloadIdentityConfig"] = nil
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["workload-pool"])
        XCTAssertEqual(try check(.workloadPool, checks).fix, [try existingPlanStep(setup.answers, .enableWorkloadIdentity)])
    }

    func testWorkloadIdentityOffOnThePool() async throws {
        var setup = SetupFixture { $0.cluster.mode = .existing; $0.cluster.nodePool = "ray-pool" }
        setup.cluster["nodePools"] = [["name": "default-pool", "config": ["workloadMetadataConfig": ["mode": "GKE_METADATA"]]],
                                      ["name": "ray-pool", "config": ["workloadMetadataConfig": ["mode": "GCE_METADATA"]]]]
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["node-pools"])
        XCTAssertEqual(try check(.nodePools, checks).fix, [try planStep(setup.answers, .enableGKEMetadata)])
        XCTAssertTrue(try check(.nodePools, checks).evidence.contains("ray-pool: GCE_METADATA (runs Ray pods)"))
    }

    func testGPUWorkerGroupPoolMissingOrOnTheNodesMetadata() async throws {
        func gpuSetup(_ pools: [[String: Any]]) -> SetupFixture {
            var setup = SetupFixture {
                var gpu = WorkerGroup(name: "gpu")
                gpu.gpu = WorkerGroup.GPU(type: "nvidia-l4")
                $0.ray.workers = [WorkerGroup(), gpu]
            }
            setup.cluster["nodePools"] = pools
            return setup
        }
        let defaultPool: [String: Any] = ["name": "default-pool", "config": ["workloadMetadataConfig": ["mode": "GKE_METADATA"]]]
        let missing = await gpuSetup([defaultPool]).diagnose()
        XCTAssertEqual(brokenLinks(missing), ["node-pools"])
        let answers = gpuSetup([]).answers
        XCTAssertEqual(try check(.nodePools, missing).fix, [try planStep(answers, .createNodePool(group: "gpu"))])

        let gce = await gpuSetup([defaultPool, ["name": "ray-gpu", "config": ["workloadMetadataConfig": ["mode": "GCE_METADATA"]]]]).diagnose()
        XCTAssertEqual(brokenLinks(gce), ["node-pools"])
        let fix = try XCTUnwrap(try check(.nodePools, gce).fix.first)
        XCTAssertEqual(Array(fix.prefix(5)), ["gcloud", "container", "node-pools", "update", "ray-gpu"])
        XCTAssertEqual(Array(fix.suffix(2)), ["--workload-metadata", "GKE_METADATA"])
    }

    func testRoleTooNarrow() async throws {
        var setup = SetupFixture()
        let member = "serviceAccount:\(setup.answers.iamServiceAccountEmail)"
        setup.bucketPolicy = ["bindings": [["role": "roles/storage.objectViewer", "members": [member]]]]
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["bucket-role"])
        let role = try check(.bucketRole, checks)
        XCTAssertTrue(role.evidence.joined().contains("missing storage.objects.create"), role.evidence.joined(separator: "\n"))
        XCTAssertEqual(role.fix, [try planStep(setup.answers, .grantBucketRole)])
    }

    func testObjectUserCannotGetTheBucketItself() async throws {
        let checks = await SetupFixture().diagnose()
        let role = try check(.bucketRole, checks)
        XCTAssertEqual(role.status, .ok)
        XCTAssertTrue(role.evidence.joined().contains("get_bucket()"), role.evidence.joined(separator: "\n"))
        var admin = SetupFixture { $0.bucket.role = .admin }
        admin.rolePermissions["roles/storage.admin"]?.append("storage.buckets.get")
        let adminChecks = await admin.diagnose()
        XCTAssertFalse(try check(.bucketRole, adminChecks).evidence.joined().contains("get_bucket()"))
    }

    func testMetadataServerNotReady() async throws {
        var setup = SetupFixture()
        setup.probes["raycluster-mini-head-abcde"] = ["metadata_error": "<urlopen error [Errno 111] Connection refused>"]
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), [])
        let pod = try check(.pod("raycluster-mini-head-abcde"), checks)
        XCTAssertEqual(pod.status, .broken)
        XCTAssertTrue(pod.evidence.joined().contains("did not answer after \(Doctor.metadataTries) tries"))
        XCTAssertTrue(pod.advice?.contains("run doctor again") ?? false)
        XCTAssertEqual(try check(.pod("raycluster-mini-gpu-worker-fghij"), checks).status, .ok)
    }

    func testBucketInAnotherProject() async throws {
        var setup = SetupFixture()
        setup.bucket?["projectNumber"] = "999999999999"
        setup.bucketPolicy = ["bindings": [["role": "roles/storage.legacyBucketOwner", "members": ["projectOwner:someone-else"]]]]
        let checks = await setup.diagnose()
        XCTAssertEqual(brokenLinks(checks), ["bucket"])
        XCTAssertTrue(try check(.bucket, checks).evidence.joined().contains("belongs to project number 999999999999"))
        XCTAssertEqual(try check(.bucketRole, checks).status, .skipped)
    }

    func testDirectPrincipalWithTheProjectIDOrAnotherNamespace() async throws {
        for (member, expected) in [("principal://iam.googleapis.com/projects/demo-project/locations/global/workloadIdentityPools/demo-project.svc.id.goog/subject/ns/default/sa/my-ksa",
                                    "the project number is demo-project, not 123456789012 (it must be the number, not the ID)"),
                                   ("principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/demo-project.svc.id.goog/subject/ns/team/sa/my-ksa",
                                    "the namespace is team, not default")] {
            var setup = SetupFixture { $0.identity.mode = .direct }
            setup.bucketPolicy = ["bindings": [["role": "roles/storage.objectUser", "members": [member]]]]
            let checks = await setup.diagnose()
            XCTAssertEqual(brokenLinks(checks), ["principal"])
            let principal = try check(.principal, checks)
            XCTAssertTrue(principal.evidence.joined().contains(expected), principal.evidence.joined(separator: "\n"))
            let grant = try planStep(setup.answers, .grantBucketRole).map { $0.replacingOccurrences(of: "${PROJECT_NUMBER}", with: "123456789012") }
            XCTAssertEqual(principal.fix, [grant])
        }
    }

    func testMissingPiecesAreCreatedByThePlanSteps() async throws {
        var noKSA = SetupFixture()
        noKSA.ksa = nil
        noKSA.pods = []
        let ksaChecks = await noKSA.diagnose()
        XCTAssertEqual(brokenLinks(ksaChecks), ["ksa"])
        XCTAssertEqual(try check(.ksa, ksaChecks).fix, [try planStep(noKSA.answers, .createKSA)])

        var noAPIs = SetupFixture()
        noAPIs.services = ["storage.googleapis.com"]
        let apiChecks = await noAPIs.diagnose()
        XCTAssertTrue(brokenLinks(apiChecks).starts(with: ["apis"]))
        XCTAssertEqual(try check(.apis, apiChecks).fix, [try planStep(noAPIs.answers, .enableAPIs)])

        var noKind = SetupFixture()
        noKind.crdServed = []
        let kindChecks = await noKind.diagnose()
        XCTAssertEqual(brokenLinks(kindChecks), ["raycluster-kind"])

        var noBucket = SetupFixture()
        noBucket.bucket = nil
        let bucketChecks = await noBucket.diagnose()
        XCTAssertEqual(brokenLinks(bucketChecks), ["bucket"])
        XCTAssertEqual(try check(.bucket, bucketChecks).fix, [try planStep(noBucket.answers, .createBucket)])
    }

    func testNoExecSkipsTheInPodProbe() async throws {
        let checks = await SetupFixture().diagnose(exec: false)
        XCTAssertEqual(try check(.inPod, checks).status, .skipped)
        XCTAssertFalse(checks.contains { $0.id.isPod })
        XCTAssertTrue(Doctor.healthy(checks))
    }

    func testJSONListsEveryCheckWithStatusEvidenceAndFix() async throws {
        var setup = SetupFixture()
        setup.serviceAccountPolicy = ["bindings": []]
        let checks = await setup.diagnose()
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(DoctorReport.json(checks).utf8)) as? [String: Any])
        XCTAssertEqual(document["healthy"] as? Bool, false)
        let listed = try XCTUnwrap(document["checks"] as? [[String: Any]])
        XCTAssertEqual(listed.count, checks.count)
        let binding = try XCTUnwrap(listed.first { $0["id"] as? String == "wi-binding" })
        XCTAssertEqual(binding["status"] as? String, "broken")
        XCTAssertEqual(binding["fix"] as? [[String]], [try planStep(setup.answers, .bindWorkloadIdentity)])
        XCTAssertFalse((binding["evidence"] as? [String] ?? []).isEmpty)
    }
}
