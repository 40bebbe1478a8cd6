import Diagnosis
import SetupPlan
import XCTest

/// preflight's decisions, each from the JSON gcloud prints: what stops the run (✗), what only warns (!), and that a read
/// that fails or answers nonsense is a ! naming the command, never a ✗.
final class PreflightTests: XCTestCase {
    private func answers(_ change: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-ray-bucket"
        change(&a)
        return a
    }

    /// One L4 worker group starting `min` pods and growing to `max`.
    private func gpuAnswers(min: Int = 1, max: Int = 3, count: Int = 1, _ change: (inout Answers) -> Void = { _ in }) -> Answers {
        answers {
            $0.ray.workers[0].gpu = WorkerGroup.GPU(type: "nvidia-l4", count: count)
            $0.ray.workers[0].minReplicas = min
            $0.ray.workers[0].maxReplicas = max
            change(&$0)
        }
    }

    private func check(_ id: CheckID, _ checks: [Check], file: StaticString = #filePath, line: UInt = #line) throws -> Check {
        try XCTUnwrap(checks.first { $0.id == id }, "no check \(id) in \(checks.map(\.id))", file: file, line: line)
    }

    private func text(_ check: Check) -> String { ([check.title] + check.details).joined(separator: "\n") }

    // MARK: Passing

    func testDefaultAnswersPassEveryCheckInOrder() {
        let checks = PreflightWorld().checks(answers())
        XCTAssertEqual(checks.map(\.id), [.billing, .roles, .clusterName, .bucketName, .machineTypes, .cpuQuota, .orgPolicy])
        XCTAssertEqual(checks.filter { $0.status != .ok }.map(\.id), [], checks.map(text).joined(separator: "\n"))
        XCTAssertFalse(Preflight.stops(checks))
        XCTAssertEqual(Preflight.summary(checks), "Preflight passed: 7 checks hold.")
    }

    func testGPUGroupWithQuotaPassesWithItsNumbers() throws {
        let checks = PreflightWorld().checks(gpuAnswers())
        XCTAssertEqual(checks.map(\.id), [.billing, .roles, .clusterName, .bucketName, .accelerators, .machineTypes, .gpuQuota, .cpuQuota, .orgPolicy])
        XCTAssertEqual(checks.filter { $0.status != .ok }.map(\.id), [])
        let gpu = try check(.gpuQuota, checks)
        XCTAssertEqual(gpu.evidence, [
            "NVIDIA_L4_GPUS in us-west1: 16 free (limit 16, used 0); the plan needs 1 to 3",
            "GPUS_ALL_REGIONS (all regions): 32 free (limit 32, used 0); the plan needs 1 to 3",
        ])
        // The default pool (1 x e2-standard-8) and the L4 pool (1 to 3 x g2-standard-8).
        XCTAssertEqual(try check(.cpuQuota, checks).evidence.first, "CPUS in us-west1: 240 free (limit 240, used 0); the plan needs 16 to 32")
    }

    // MARK: GPU quota

    func testNewProjectStopsAGPUGroupNamingTheMetricAndRegion() throws {
        var world = PreflightWorld()
        world.newProject()
        let checks = world.checks(gpuAnswers())
        let gpu = try check(.gpuQuota, checks)
        XCTAssertEqual(gpu.status, .broken)
        XCTAssertTrue(Preflight.stops(checks))
        XCTAssertEqual(gpu.evidence[0], "NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 3")
        XCTAssertEqual(gpu.evidence[1], "GPUS_ALL_REGIONS (all regions): 0 free (limit 0, used 0); the plan needs 1 to 3")
        let advice = try XCTUnwrap(gpu.advice)
        XCTAssertTrue(advice.contains("Request more NVIDIA_L4_GPUS in us-west1 at https://console.cloud.google.com/iam-admin/quotas?project=demo-project"), advice)
        XCTAssertTrue(advice.contains("Request more GPUS_ALL_REGIONS (global)"), advice)
        XCTAssertTrue(advice.contains("--set ray.workers[0].minReplicas=0"), advice)
        XCTAssertEqual(Preflight.summary(checks), "Preflight stops the run: GPU quota in us-west1. Nothing was created.")
    }

    func testOnlyTheMostTheAutoscalerMayAddBeyondQuotaWarnsWithAMaxThatFits() throws {
        var world = PreflightWorld()
        world.regional?["NVIDIA_L4_GPUS"] = (4, 1)
        let gpu = try check(.gpuQuota, world.checks(gpuAnswers(min: 1, max: 5)))
        XCTAssertEqual(gpu.status, .warning)
        XCTAssertEqual(gpu.evidence[0], "NVIDIA_L4_GPUS in us-west1: 3 free (limit 4, used 1); the plan needs 1 to 5")
        XCTAssertTrue(gpu.advice?.contains("--set ray.workers[0].maxReplicas=3") ?? false, gpu.advice ?? "")
    }

    func testAGroupThatStartsNoPodsOnlyWarnsOnAZeroQuota() throws {
        var world = PreflightWorld()
        world.newProject()
        let gpu = try check(.gpuQuota, world.checks(gpuAnswers(min: 0, max: 2)))
        XCTAssertEqual(gpu.status, .warning)
        XCTAssertTrue(gpu.advice?.contains("FailedScaleUp") ?? false, gpu.advice ?? "")
    }

    func testTheProjectWideGPUQuotaStopsOnItsOwn() throws {
        var world = PreflightWorld()
        world.global?["GPUS_ALL_REGIONS"] = (1, 0)
        let gpu = try check(.gpuQuota, world.checks(gpuAnswers(min: 1, max: 1, count: 2)))
        XCTAssertEqual(gpu.status, .broken)
        XCTAssertEqual(gpu.evidence[1], "GPUS_ALL_REGIONS (all regions): 1 free (limit 1, used 0); the plan needs 2")
    }

    func testGroupsOfOneTypeAddUpAndGlobalSumsTypes() throws {
        let a = gpuAnswers(min: 1, max: 2) {
            var second = WorkerGroup(name: "more")
            second.gpu = WorkerGroup.GPU(type: "nvidia-l4", count: 2)
            second.minReplicas = 1
            second.maxReplicas = 1
            var t4 = WorkerGroup(name: "t4")
            t4.gpu = WorkerGroup.GPU(type: "nvidia-tesla-t4")
            t4.minReplicas = 0
            t4.maxReplicas = 4
            $0.ray.workers += [second, t4]
        }
        let gpu = try check(.gpuQuota, PreflightWorld().checks(a))
        XCTAssertEqual(gpu.evidence, [
            "NVIDIA_L4_GPUS in us-west1: 16 free (limit 16, used 0); the plan needs 3 to 4",
            "NVIDIA_T4_GPUS in us-west1: 16 free (limit 16, used 0); the plan needs 0 to 4",
            "GPUS_ALL_REGIONS (all regions): 32 free (limit 32, used 0); the plan needs 3 to 8",
        ])
    }

    func testAutopilotCountsGPUsAndCPUsPerPod() throws {
        var world = PreflightWorld()
        world.regional?["NVIDIA_L4_GPUS"] = (3, 0)
        let a = gpuAnswers(min: 1, max: 2, count: 2) { $0.cluster.mode = .createAutopilot; $0.ray.workers[0].cpu = "1500m" }
        let checks = world.checks(a)
        XCTAssertFalse(checks.contains { $0.id == .machineTypes }, "Autopilot picks its machines")
        let gpu = try check(.gpuQuota, checks)
        XCTAssertEqual(gpu.status, .warning)
        XCTAssertEqual(gpu.evidence[0], "NVIDIA_L4_GPUS in us-west1: 3 free (limit 3, used 0); the plan needs 2 to 4")
        // Head 1 vCPU, workers 2 vCPUs each (1500m rounded up).
        XCTAssertEqual(try check(.cpuQuota, checks).evidence[0], "CPUS in us-west1: 240 free (limit 240, used 0); the plan needs 3 to 5")
        XCTAssertEqual(try check(.accelerators, checks).title, "GPU types in us-west1")
    }

    // MARK: CPU quota

    func testCPUsCountPerMachineFamily() throws {
        var world = PreflightWorld()
        world.newProject()
        let a = answers { $0.cluster.machineType = "n2-standard-32"; $0.cluster.numNodes = 1; $0.cluster.maxNodes = 1 }
        let cpu = try check(.cpuQuota, world.checks(a))
        XCTAssertEqual(cpu.status, .broken)
        XCTAssertEqual(cpu.evidence, [
            "N2_CPUS in us-west1: 24 free (limit 24, used 0); the plan needs 32",
            "CPUS_ALL_REGIONS (all regions): 32 free (limit 32, used 0); the plan needs 32",
        ])
        XCTAssertTrue(cpu.advice?.contains("Request more N2_CPUS in us-west1") ?? false)
    }

    func testGPUNodesBeyondTheCPUQuotaWarn() throws {
        var world = PreflightWorld()
        world.newProject()
        world.regional?["NVIDIA_L4_GPUS"] = (8, 0)
        world.global?["GPUS_ALL_REGIONS"] = (8, 0)
        let cpu = try check(.cpuQuota, world.checks(gpuAnswers(min: 1, max: 3)))
        // 8 (default pool) + 8 to 24 (g2-standard-8) against 24.
        XCTAssertEqual(cpu.status, .warning)
        XCTAssertEqual(cpu.evidence[0], "CPUS in us-west1: 24 free (limit 24, used 0); the plan needs 16 to 32")
        // The default pool keeps its 8 vCPUs: two GPU nodes fit in what is left.
        XCTAssertTrue(cpu.advice?.contains("--set ray.workers[0].maxReplicas=2") ?? false, cpu.advice ?? "")
    }

    // MARK: The zone's offer

    func testAGPUTypeTheZoneLacksStopsAndNamesZonesThatHaveIt() throws {
        var world = PreflightWorld()
        world.missing = ["us-west1-b": ["nvidia-l4", "g2-standard-8"]]
        let checks = world.checks(gpuAnswers())
        let accelerators = try check(.accelerators, checks)
        XCTAssertEqual(accelerators.status, .broken)
        XCTAssertEqual(accelerators.evidence, ["nvidia-l4: not offered in us-west1-b"])
        XCTAssertEqual(accelerators.advice, "Zones of us-west1 that offer nvidia-l4: us-west1-a, us-west1-c; --set zone=us-west1-a")
        let machines = try check(.machineTypes, checks)
        XCTAssertEqual(machines.status, .broken)
        XCTAssertEqual(machines.evidence, ["e2-standard-8: offered in us-west1-b", "g2-standard-8: not offered in us-west1-b"])
    }

    func testARegionWithoutTheTypeNamesRegionsThatHaveIt() throws {
        var world = PreflightWorld()
        world.missing = ["us-west1-a": ["nvidia-l4"], "us-west1-b": ["nvidia-l4"], "us-west1-c": ["nvidia-l4"]]
        let accelerators = try check(.accelerators, world.checks(gpuAnswers { $0.cluster.mode = .createAutopilot }))
        XCTAssertEqual(accelerators.status, .broken)
        XCTAssertEqual(accelerators.evidence, ["nvidia-l4: not offered in any zone of us-west1"])
        XCTAssertEqual(accelerators.advice, "No zone of us-west1 offers nvidia-l4; regions that do: us-central1")
    }

    // MARK: Names

    func testACreatedClusterNameAlreadyTakenStops() throws {
        var world = PreflightWorld()
        world.cluster = ("RUNNING", false)
        let cluster = try check(.clusterName, world.checks(answers()))
        XCTAssertEqual(cluster.status, .broken)
        XCTAssertEqual(cluster.evidence, ["a cluster cloud-bucket-cluster already exists in us-west1-b (RUNNING)"])
        XCTAssertTrue(cluster.advice?.contains("--set cluster.mode=existing") ?? false)
    }

    func testAnExistingClusterMustExistAndBeOfTheAnsweredKind() throws {
        let existing = answers { $0.cluster.mode = .existing }
        var world = PreflightWorld()
        XCTAssertEqual(try check(.clusterName, world.checks(existing)).status, .broken)
        world.cluster = ("RUNNING", true)
        let wrongKind = try check(.clusterName, world.checks(existing))
        XCTAssertEqual(wrongKind.status, .broken)
        XCTAssertEqual(wrongKind.advice, "Answer what it is: --set cluster.autopilot=true")
        world.cluster = ("RUNNING", false)
        XCTAssertEqual(try check(.clusterName, world.checks(existing)).status, .ok)
        world.cluster = ("RECONCILING", false)
        XCTAssertEqual(try check(.clusterName, world.checks(existing)).status, .warning)
    }

    func testAnExistingClusterThatEnforcesNoNetworkPolicyStopsTheRun() throws {
        let existing = answers { $0.cluster.mode = .existing; $0.ray.networkPolicy = true }
        var world = PreflightWorld()
        world.cluster = ("RUNNING", false)
        let checks = world.checks(existing)
        XCTAssertEqual(checks.map(\.id).prefix(4), [.billing, .roles, .clusterName, .policyEnforcement])
        let refused = try check(.policyEnforcement, checks)
        XCTAssertEqual(refused.status, .broken)
        XCTAssertEqual(refused.evidence, ["neither Dataplane V2 (networkConfig.datapathProvider is unset) nor networkPolicy.enabled: "
                                          + "the head's NetworkPolicy would be stored and ignored"])
        XCTAssertTrue(refused.advice?.contains("--update-addons NetworkPolicy=ENABLED") ?? false, "\(String(describing: refused.advice))")
        XCTAssertTrue(refused.advice?.hasSuffix("or answer ray.networkPolicy false.") ?? false)
        XCTAssertTrue(Preflight.stops(checks))

        world.clusterNetwork = #""networkConfig": {"datapathProvider": "ADVANCED_DATAPATH"}"#
        XCTAssertEqual(try check(.policyEnforcement, world.checks(existing)).status, .ok)
        world.clusterNetwork = #""networkPolicy": {"enabled": true, "provider": "CALICO"}"#
        XCTAssertEqual(try check(.policyEnforcement, world.checks(existing)).evidence, ["network policy enforcement (networkPolicy.enabled true)"])
        world.cluster = nil
        XCTAssertEqual(try check(.policyEnforcement, world.checks(existing)).status, .skipped, "the missing cluster is the cluster check's ✗")
        // A cluster the run creates gets Dataplane V2; without the answer there is nothing to check.
        XCTAssertNil(world.checks(answers { $0.ray.networkPolicy = true }).first { $0.id == .policyEnforcement })
        XCTAssertNil(world.checks(answers { $0.cluster.mode = .existing }).first { $0.id == .policyEnforcement })
    }

    func testABucketAnotherProjectOwnsStopsWithAnotherName() throws {
        var world = PreflightWorld()
        world.bucket = .taken
        let bucket = try check(.bucketName, world.checks(answers()))
        XCTAssertEqual(bucket.status, .broken)
        XCTAssertTrue(bucket.evidence[0].hasPrefix("another project owns gs://my-ray-bucket: reading it is refused"), bucket.evidence[0])
        XCTAssertEqual(bucket.advice, "Bucket names are global: choose another, e.g. --set bucket.name=demo-project-my-ray-bucket")
    }

    func testAnExistingBucketMustBeThereAndOurs() throws {
        let reuse = answers { $0.bucket.create = false }
        var world = PreflightWorld()
        let missing = try check(.bucketName, world.checks(reuse))
        XCTAssertEqual(missing.status, .broken)
        XCTAssertEqual(missing.advice, "Let the run create it: --set bucket.create=true")
        world.bucket = .taken
        XCTAssertEqual(try check(.bucketName, world.checks(reuse)).status, .broken)
        world.bucket = .ours
        XCTAssertEqual(try check(.bucketName, world.checks(reuse)).status, .ok)
        XCTAssertEqual(try check(.bucketName, world.checks(answers())).status, .ok, "a bucket of ours is found by the create step")
    }

    // MARK: Billing, roles, organisation policies

    func testBillingOffStopsWithTheLinkCommand() throws {
        var world = PreflightWorld()
        world.billing = false
        let billing = try check(.billing, world.checks(answers()))
        XCTAssertEqual(billing.status, .broken)
        XCTAssertEqual(billing.fix, [["gcloud", "billing", "projects", "link", "demo-project", "--billing-account", "ACCOUNT_ID"]])
        world.billing = nil
        let unreadable = try check(.billing, world.checks(answers()))
        XCTAssertEqual(unreadable.status, .warning)
        XCTAssertEqual(unreadable.evidence[0], "could not read: gcloud billing projects describe demo-project --format json")
    }

    func testAnAccountWithoutTheRolesWarnsWithTheGrants() throws {
        var world = PreflightWorld()
        world.roles = ["roles/viewer"]
        let roles = try check(.roles, world.checks(answers()))
        XCTAssertEqual(roles.status, .warning, "roles can come through groups the policy does not show")
        XCTAssertEqual(roles.evidence[0], "tester@example.com holds roles/viewer")
        XCTAssertTrue(roles.evidence.contains("to create the cluster (container.clusters.create): none of roles/owner, roles/editor, roles/container.admin, roles/container.clusterAdmin"))
        XCTAssertTrue(roles.fix.contains(["gcloud", "projects", "add-iam-policy-binding", "demo-project", "--member", "user:tester@example.com",
                                          "--role", "roles/iam.serviceAccountAdmin"]))
        world.roles = ["roles/editor"]
        let editor = try check(.roles, world.checks(answers()))
        XCTAssertEqual(editor.evidence.dropFirst(), ["to let the KSA act as it (iam.serviceAccounts.setIamPolicy): none of roles/owner, roles/iam.serviceAccountAdmin, roles/iam.securityAdmin"])
        XCTAssertEqual(try check(.roles, world.checks(answers { $0.identity.mode = .direct })).status, .ok)
    }

    func testOrganisationPoliciesThatLimitMembersWarnInBothModes() throws {
        var world = PreflightWorld()
        world.orgRules["iam.allowedPolicyMemberDomains"] = #"[{"values": {"allowedValues": ["C0abc123"]}}]"#
        let iam = try check(.orgPolicy, world.checks(answers()))
        XCTAssertEqual(iam.status, .warning)
        XCTAssertEqual(iam.evidence, ["iam.allowedPolicyMemberDomains allows members of C0abc123 only"])
        XCTAssertTrue(iam.advice?.contains("serviceAccount:demo-project.svc.id.goog[default/my-ksa] on the IAM service account") ?? false)
        let direct = try check(.orgPolicy, world.checks(answers { $0.identity.mode = .direct }))
        XCTAssertEqual(direct.status, .warning)
        XCTAssertTrue(direct.advice?.contains("principal:// on the bucket") ?? false)
        XCTAssertEqual(try check(.orgPolicy, PreflightWorld().checks(answers { $0.identity.mode = .direct })).status, .ok)

        world.orgRules = ["iam.managed.allowedPolicyMembers": #"[{"enforce": true, "parameters": {"allowedPrincipalSets": ["principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/demo-project.svc.id.goog/namespace/default"]}}]"#]
        XCTAssertEqual(try check(.orgPolicy, world.checks(answers { $0.identity.mode = .direct })).status, .ok, "the pool is allowed")
        world.orgRules = ["iam.managed.allowedPolicyMembers": #"[{"enforce": true, "parameters": {"allowedMemberSubjects": ["user:a@example.com"]}}]"#]
        XCTAssertEqual(try check(.orgPolicy, world.checks(answers())).status, .warning)
    }

    // MARK: Bad input: a warning naming the command, never a crash and never a false ✗

    func testDisabledComputeAPIWarnsAndAsksToReadAgainAfterEnablement() throws {
        var world = PreflightWorld()
        world.regional = nil
        world.global = nil
        let a = gpuAnswers()
        let results = world.results(a)
        XCTAssertTrue(Preflight.waitsForAPIs(results))
        let checks = Preflight(answers: a).checks(results)
        XCTAssertFalse(Preflight.stops(checks))
        let gpu = try check(.gpuQuota, checks)
        XCTAssertEqual(gpu.status, .warning)
        XCTAssertTrue(gpu.evidence.contains("could not read: gcloud compute regions describe us-west1 --project demo-project --format json"), "\(gpu.evidence)")
        XCTAssertTrue(gpu.advice?.contains("the run enables the APIs first and reads this again") ?? false)
        XCTAssertFalse(Preflight.waitsForAPIs(PreflightWorld().results(a)))
    }

    func testUnparsableOrIncompleteAnswersWarnAndNeverStop() {
        let denied = "ERROR: (gcloud) PERMISSION_DENIED: The caller does not have permission"
        let worlds: [(String, (inout PreflightWorld) -> Void)] = [
            ("garbled JSON everywhere", { w in for word in ["billing", "get-iam-policy", "regions", "project-info", "accelerator-types", "machine-types", "clusters", "buckets", "org-policies"] { w.garbled[word] = "<html>oops" } }),
            ("JSON of another shape", { w in for word in ["billing", "get-iam-policy", "regions", "project-info", "accelerator-types", "machine-types"] { w.garbled[word] = #"{"unexpected": [1, 2]}"# } }),
            ("permission denied everywhere", { w in for word in ["billing", "get-iam-policy", "regions", "project-info", "accelerator-types", "machine-types", "clusters", "org-policies"] { w.failing[word] = denied } }),
            ("no quota metrics", { w in w.regional = [:]; w.global = [:] }),
            // gcloud's list commands exit 0 with an empty list when the API is off (a warning on stderr).
            ("empty lists", { w in w.garbled["accelerator-types"] = "[]"; w.garbled["machine-types"] = "[]" }),
            ("no account", { w in w.account = "" }),
        ]
        for (name, change) in worlds {
            var world = PreflightWorld()
            change(&world)
            for a in [gpuAnswers(), gpuAnswers { $0.cluster.mode = .createAutopilot; $0.identity.mode = .direct }] {
                let checks = world.checks(a)
                XCTAssertEqual(checks.count, Preflight(answers: a).checks(PreflightWorld().results(a)).count, "\(name): every check decided")
                XCTAssertEqual(checks.filter { $0.status == .broken }.map(\.id), [], "\(name): \(checks.map(text).joined(separator: "\n"))")
                XCTAssertTrue(checks.contains { $0.status == .warning }, name)
                for check in checks where check.status == .warning && check.evidence.first?.hasPrefix("could not read") == true {
                    XCTAssertTrue(check.evidence[0].contains("gcloud "), "\(name): the command is named: \(check.evidence)")
                }
            }
        }
    }

    func testChecksFillInInOrderAsReadsArrive() {
        let a = gpuAnswers()
        let preflight = Preflight(answers: a)
        let world = PreflightWorld()
        var results: [String: ReadResult] = [:]
        var seen: [[CheckID]] = []
        // The reads answered in reverse: nothing shows until the first check's reads are in, then it fills in order.
        for read in preflight.reads(after: [:]).reversed() {
            results[read.id] = world.answer(read)
            seen.append(preflight.checks(results).map(\.id))
        }
        XCTAssertEqual(seen.first, [])
        XCTAssertEqual(seen.last, [.billing, .roles, .clusterName, .bucketName, .accelerators, .machineTypes, .gpuQuota, .cpuQuota, .orgPolicy])
        for (earlier, later) in zip(seen, seen.dropFirst()) { XCTAssertEqual(Array(later.prefix(earlier.count)), earlier) }
    }
}
