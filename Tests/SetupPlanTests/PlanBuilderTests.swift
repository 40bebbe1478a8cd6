import Foundation
import SetupPlan
import WizardResources
import XCTest

/// Every combination the wizard supports: cluster mode x operator x identity mode.
struct Combination: CustomStringConvertible {
    var cluster: ClusterMode
    var op: OperatorMode
    var identity: IdentityMode

    static let all: [Combination] = ClusterMode.allCases.flatMap { c in
        OperatorMode.allCases.flatMap { o in IdentityMode.allCases.map { Combination(cluster: c, op: o, identity: $0) } }
    }

    var description: String { "\(cluster.rawValue)_\(op.rawValue)_\(identity.rawValue)" }

    func answers() -> Answers {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        a.cluster.mode = cluster
        a.operator = op
        a.identity.mode = identity
        return a
    }

    func plan() -> Plan { PlanBuilder.build(answers(), checkScript: WizardResources.bucketProbeScript) }
}

final class PlanBuilderTests: XCTestCase {
    func ids(_ plan: Plan) -> [String] { plan.steps.map(\.id.rawValue) }

    /// Existing clusters addressed by a region: a regional Standard one and an Autopilot one.
    static let regionalExisting: [(name: String, answers: Answers)] = {
        var standard = Combination(cluster: .existing, op: .installed, identity: .direct).answers()
        standard.cluster.location = "us-east1"
        var autopilot = Combination(cluster: .existing, op: .gkeAddon, identity: .iamServiceAccount).answers()
        autopilot.cluster.location = "us-west1"
        autopilot.cluster.autopilot = true
        return [("existing-regional_installed_direct", standard), ("existing-autopilot_gke-addon_iam-service-account", autopilot)]
            + [ClusterMode.createStandard, .existing, .createAutopilot].map { mode in
                var answers = Combination(cluster: mode, op: .gkeAddon, identity: .direct).answers()
                answers.ray.workers.append(PlanBuilderTests.gpuGroup)
                answers.cluster.rayClusterLogging = true
                answers.cluster.rayClusterMonitoring = true
                return ("\(mode.rawValue)-gpu-logging-monitoring_gke-addon_direct", answers)
            }
    }()

    /// An L4 group that keeps one pod running.
    static let gpuGroup: WorkerGroup = {
        var group = WorkerGroup(name: "gpu")
        group.gpu = WorkerGroup.GPU(type: "nvidia-l4")
        group.minReplicas = 1
        group.maxReplicas = 2
        return group
    }()

    func testSnapshotsOfEveryCombination() throws {
        let cases = Combination.all.map { ($0.description, $0.plan()) }
            + Self.regionalExisting.map { ($0.name, PlanBuilder.build($0.answers, checkScript: WizardResources.bucketProbeScript)) }
        for (combo, plan) in cases {
            try Snapshot.check(PlanText.render(plan), "\(combo).txt", what: "plan for \(combo)")
        }
    }

    func testStandardClusterFollowsTheSourceDocumentPlusTheAddon() throws {
        let plan = Combination(cluster: .createStandard, op: .gkeAddon, identity: .iamServiceAccount).plan()
        let create = try XCTUnwrap(plan.step(.createCluster))
        XCTAssertEqual(create.argv, ["gcloud", "container", "clusters", "create", "cloud-bucket-cluster", "--project", "demo-project",
                                     "--zone", "us-west1-b", "--machine-type", "e2-standard-8", "--num-nodes", "1", "--enable-autoscaling",
                                     "--min-nodes", "0", "--max-nodes", "1", "--workload-pool", "demo-project.svc.id.goog",
                                     "--addons", "RayOperator"])
        XCTAssertEqual(create.kind, .create)
        XCTAssertEqual(create.timeoutSeconds, 1800)
        XCTAssertNotNil(create.probe)
        // The IAM service account, the bucket and its grant before the cluster (IAM propagates while it provisions); the
        // workloadIdentityUser binding names the cluster's workload pool, which exists only once the cluster does.
        XCTAssertEqual(ids(plan), ["check-gcloud", "check-kubectl", "check-auth-plugin", "check-project", "enable-apis", "create-iam-sa",
                                   "create-bucket", "grant-bucket-role", "create-cluster", "wait-cluster", "get-credentials", "check-crd",
                                   "create-ksa", "bind-workload-identity", "annotate-ksa", "check-auth-options", "create-auth-secret",
                                   "apply-raycluster", "wait-head", "verify-bucket"])
        XCTAssertEqual(plan.step(.bindWorkloadIdentity)?.argv.suffix(4),
                       ["--role", "roles/iam.workloadIdentityUser", "--member", "serviceAccount:demo-project.svc.id.goog[default/my-ksa]"])
        XCTAssertEqual(plan.step(.annotateKSA)?.argv.dropLast(2).last, "iam.gke.io/gcp-service-account=my-iam-sa@demo-project.iam.gserviceaccount.com")
        XCTAssertTrue(plan.step(.annotateKSA)?.argv.contains("--overwrite") ?? false)
        XCTAssertEqual(plan.step(.grantBucketRole)?.argv,
                       ["gcloud", "storage", "buckets", "add-iam-policy-binding", "gs://my-bucket",
                        "--member", "serviceAccount:my-iam-sa@demo-project.iam.gserviceaccount.com", "--role", "roles/storage.objectUser"])
    }

    func testACreatedClusterIsWaitedForUntilRunningBeforeCredentials() throws {
        for cluster in [ClusterMode.createStandard, .createAutopilot] {
            let plan = Combination(cluster: cluster, op: .helm, identity: .direct).plan()
            let wait = try XCTUnwrap(plan.step(.waitCluster), "\(cluster)")
            // An interrupted create leaves a PROVISIONING cluster that the create's probe counts as done on resume.
            XCTAssertEqual(ids(plan).firstIndex(of: "wait-cluster"), ids(plan).firstIndex(of: "create-cluster").map { $0 + 1 })
            XCTAssertEqual(wait.argv.suffix(2), ["--format", "value(status)"])
            XCTAssertEqual(wait.success, .equals("RUNNING"))
            XCTAssertEqual(wait.kind, .check)
            let retry = try XCTUnwrap(wait.retry)
            let patience = (1..<retry.attempts).map { retry.delay(before: $0) }.reduce(0, +)
            XCTAssertGreaterThanOrEqual(patience, 20 * 60, "long enough for a cluster still provisioning")
        }
        XCTAssertNil(Combination(cluster: .existing, op: .helm, identity: .direct).plan().step(.waitCluster))
    }

    func testAutopilotIsRegionalWithTheRayOperatorFlag() throws {
        let plan = Combination(cluster: .createAutopilot, op: .gkeAddon, identity: .direct).plan()
        XCTAssertEqual(plan.step(.createCluster)?.argv,
                       ["gcloud", "container", "clusters", "create-auto", "cloud-bucket-cluster", "--project", "demo-project",
                        "--location", "us-west1", "--enable-ray-operator"])
        XCTAssertEqual(plan.step(.getCredentials)?.argv.suffix(2), ["--location", "us-west1"])
        XCTAssertFalse(plan.manifest.contains("gke-metadata-server-enabled"))
        let helm = Combination(cluster: .createAutopilot, op: .helm, identity: .direct).plan()
        XCTAssertFalse(helm.step(.createCluster)?.argv.contains("--enable-ray-operator") ?? true)
    }

    func testExistingClusterEnablesWhatIsMissingInTwoUpdates() throws {
        let plan = Combination(cluster: .existing, op: .gkeAddon, identity: .iamServiceAccount).plan()
        XCTAssertFalse(ids(plan).contains("create-cluster"))
        let wi = try XCTUnwrap(plan.step(.enableWorkloadIdentity))
        let addon = try XCTUnwrap(plan.step(.enableRayAddon))
        XCTAssertEqual(wi.argv.suffix(2), ["--workload-pool", "demo-project.svc.id.goog"])
        XCTAssertEqual(addon.argv.suffix(2), ["--update-addons", "RayOperator=ENABLED"])
        XCTAssertEqual(wi.probe?.expect, .equals("demo-project.svc.id.goog"))
        XCTAssertEqual(addon.probe?.expect, .equals("True"))
        XCTAssertNil(Combination(cluster: .existing, op: .installed, identity: .direct).plan().step(.enableRayAddon))
        // Without cluster.location: a zonal Standard cluster, with the check of its kind first.
        // The cluster's checks before anything is made; then the Google side; then the cluster's updates.
        XCTAssertEqual(Array(ids(plan)[5...12]),
                       ["check-cluster", "check-cluster-type", "create-iam-sa", "create-bucket", "grant-bucket-role",
                        "enable-workload-identity", "enable-gke-metadata", "enable-ray-addon"])
        XCTAssertEqual(plan.step(.enableGKEMetadata)?.argv.suffix(4), ["--location", "us-west1-b", "--workload-metadata", "GKE_METADATA"])
    }

    func testExistingRegionalStandardClusterIsAddressedByItsRegion() throws {
        let a = Self.regionalExisting[0].answers
        let plan = PlanBuilder.build(a, checkScript: "print(1)")
        // Direct mode: the bucket's grant names the workload pool, so it comes after the cluster steps.
        XCTAssertEqual(ids(plan).prefix(12), ["check-gcloud", "check-kubectl", "check-auth-plugin", "check-project", "enable-apis",
                                              "check-cluster", "check-cluster-type", "read-project-number", "create-bucket",
                                              "enable-workload-identity", "enable-gke-metadata", "get-credentials"])
        XCTAssertGreaterThan(try XCTUnwrap(ids(plan).firstIndex(of: "grant-bucket-role")), try XCTUnwrap(ids(plan).firstIndex(of: "create-ksa")))
        for id: StepID in [.checkCluster, .checkClusterType, .enableWorkloadIdentity, .enableGKEMetadata, .getCredentials] {
            let step = try XCTUnwrap(plan.step(id))
            for argv in [step.argv, step.probe?.argv ?? []] where !argv.isEmpty {
                let at = try XCTUnwrap(argv.firstIndex(of: "--location"), "\(id): \(argv)")
                XCTAssertEqual(argv[at + 1], "us-east1", "\(id) addresses the cluster by its region")
                XCTAssertFalse(argv.contains("us-west1-b"), "\(id) names the unused zone: \(argv)")
            }
        }
        let kind = try XCTUnwrap(plan.step(.checkClusterType))
        XCTAssertEqual(kind.title, "Check the cluster is Standard")
        XCTAssertEqual(kind.argv.suffix(2), ["--format", "value(autopilot.enabled.yesno(no=False))"])
        XCTAssertEqual(kind.success, .equals("False"))
        XCTAssertEqual(kind.kind, .check)
        XCTAssertTrue(kind.why.contains("--set cluster.autopilot=true --replan"), "the failure's hint says the fix: \(kind.why)")
        XCTAssertTrue(plan.manifest.contains("iam.gke.io/gke-metadata-server-enabled"))
        XCTAssertEqual(plan.step(.createBucket)?.argv.suffix(3), ["--location", "us-east1", "--uniform-bucket-level-access"])
    }

    func testExistingAutopilotClusterLeavesOutWhatAutopilotRejects() throws {
        let plan = PlanBuilder.build(Self.regionalExisting[1].answers, checkScript: "print(1)")
        XCTAssertEqual(ids(plan).prefix(13), ["check-gcloud", "check-kubectl", "check-auth-plugin", "check-project", "enable-apis",
                                              "check-cluster", "check-cluster-type", "create-iam-sa", "create-bucket", "grant-bucket-role",
                                              "enable-workload-identity", "enable-ray-addon", "get-credentials"])
        XCTAssertNil(plan.step(.enableGKEMetadata), "Autopilot rejects node-pool updates")
        XCTAssertFalse(plan.manifest.contains("gke-metadata-server-enabled"), "Autopilot rejects the nodeSelector")
        XCTAssertFalse(plan.step(.applyRayCluster)?.why.contains("nodeSelector") ?? true)
        let kind = try XCTUnwrap(plan.step(.checkClusterType))
        XCTAssertEqual(kind.title, "Check the cluster is Autopilot")
        XCTAssertEqual(kind.success, .equals("True"))
        XCTAssertTrue(kind.why.contains("--set cluster.autopilot=false --replan"), kind.why)
        XCTAssertEqual(plan.step(.checkCluster)?.argv,
                       ["gcloud", "container", "clusters", "describe", "cloud-bucket-cluster", "--project", "demo-project",
                        "--location", "us-west1", "--format", "value(name)"])
        XCTAssertEqual(plan.step(.getCredentials)?.argv.suffix(2), ["--location", "us-west1"])
        // Workload Identity is always on there: the probe finds the pool and the step counts as done.
        XCTAssertEqual(plan.step(.enableWorkloadIdentity)?.probe?.expect, .equals("demo-project.svc.id.goog"))
        XCTAssertTrue(PlanText.render(plan).contains("cluster cloud-bucket-cluster (existing Autopilot, us-west1)"))
    }

    /// Every kubectl and helm command that reaches the cluster names the context get-credentials writes for it, so
    /// a resume days later (or after a context switch in another terminal) cannot act on another cluster, and a
    /// replan onto another cluster runs the Kubernetes steps again (their commands differ).
    func testClusterCommandsNameTheClustersContext() throws {
        for combination in Combination.all {
            let plan = combination.plan()
            let context = "gke_demo-project_\(plan.answers.clusterLocation)_cloud-bucket-cluster"
            var moved = combination.answers()
            moved.cluster.name = "other-cluster"
            let other = PlanBuilder.build(moved, checkScript: WizardResources.bucketProbeScript)
            for step in plan.steps {
                for argv in [step.argv] + (step.probe.map { [$0.argv] } ?? []) where ["kubectl", "helm"].contains(argv.first) {
                    let local = argv == ["kubectl", "version", "--client"] || argv == ["helm", "version", "--short"] || argv.prefix(3) == ["helm", "repo", "add"]
                    let flag = argv.first == "helm" ? "--kube-context" : "--context"
                    let named = argv.firstIndex(of: flag).map { argv[$0 + 1] == context } ?? false
                    XCTAssertEqual(named, !local, "\(combination) \(step.id): \(argv)")
                    if !local {
                        XCTAssertNotEqual(other.step(step.id)?.argv, step.argv, "\(combination) \(step.id) on another cluster")
                        if let dash = argv.firstIndex(of: "--") { XCTAssertLessThan(argv.firstIndex(of: flag) ?? .max, dash, "kubectl's own flags come before --") }
                    }
                }
            }
        }
    }

    func testHelmInstallsKubeRay170() throws {
        let plan = Combination(cluster: .createStandard, op: .helm, identity: .iamServiceAccount).plan()
        XCTAssertTrue(ids(plan).contains("check-helm"))
        XCTAssertEqual(plan.step(.installOperator)?.argv.prefix(6), ["helm", "install", "kuberay-operator", "kuberay/kuberay-operator", "--version", "1.7.0"])
        XCTAssertFalse(plan.step(.createCluster)?.argv.contains("RayOperator") ?? true)
        XCTAssertLessThan(ids(plan).firstIndex(of: "install-operator") ?? 0, ids(plan).firstIndex(of: "check-crd") ?? 0)
    }

    func testDirectModeGrantsThePrincipalWithTheProjectNumberReadAtRunTime() throws {
        let plan = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).plan()
        XCTAssertNil(plan.step(.createIAMServiceAccount))
        XCTAssertNil(plan.step(.annotateKSA))
        let number = try XCTUnwrap(plan.step(.readProjectNumber))
        XCTAssertEqual(number.captures, ["PROJECT_NUMBER"])
        let grant = try XCTUnwrap(plan.step(.grantBucketRole))
        XCTAssertTrue(grant.argv.contains(
            "principal://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/demo-project.svc.id.goog/subject/ns/default/sa/my-ksa"))
        XCTAssertEqual(grant.placeholders, ["PROJECT_NUMBER"])
        XCTAssertLessThan(ids(plan).firstIndex(of: "read-project-number") ?? 99, ids(plan).firstIndex(of: "grant-bucket-role") ?? 0)
    }

    func testNamespaceExistingBucketAndRole() throws {
        var a = Combination(cluster: .createStandard, op: .installed, identity: .iamServiceAccount).answers()
        a.identity.namespace = "ray"
        a.bucket.create = false
        a.bucket.role = .admin
        let plan = PlanBuilder.build(a, checkScript: "print(1)")
        XCTAssertEqual(plan.step(.createNamespace)?.argv,
                       ["kubectl", "create", "namespace", "ray", "--context", "gke_demo-project_us-west1-b_cloud-bucket-cluster"])
        XCTAssertNil(plan.step(.createBucket))
        XCTAssertNotNil(plan.step(.checkBucket))
        XCTAssertEqual(plan.step(.grantBucketRole)?.argv.last, "roles/storage.admin")
        XCTAssertTrue(plan.step(.bindWorkloadIdentity)?.argv.contains("serviceAccount:demo-project.svc.id.goog[ray/my-ksa]") ?? false)
        XCTAssertTrue(plan.step(.verifyBucket)?.argv.contains("ray") ?? false)
    }

    func testEveryCombinationDoesTheWholeJobWithCurrentTools() {
        for combo in Combination.all {
            let plan = combo.plan()
            let all = plan.steps.flatMap { $0.argv + ($0.probe?.argv ?? []) }
            XCTAssertFalse(all.contains("gsutil"), "\(combo): gsutil is legacy")
            XCTAssertFalse(plan.manifest.contains("v1alpha1"), "\(combo)")
            XCTAssertEqual(Set(plan.steps.map(\.id)).count, plan.steps.count, "\(combo): step ids are unique")
            for required: StepID in [.checkProject, .enableAPIs, .getCredentials, .checkCRD, .createKSA, .grantBucketRole, .applyRayCluster, .waitHead, .verifyBucket] {
                XCTAssertNotNil(plan.step(required), "\(combo) lacks \(required)")
            }
            XCTAssertEqual(plan.step(.verifyBucket)?.success, .containsAll(["head", "ok"]))
            for step in plan.steps where step.kind == .create {
                XCTAssertNotNil(step.probe, "\(combo): create step \(step.id) needs a probe so re-runs skip it")
            }
            let placeholders = Set(plan.steps.flatMap(\.placeholders))
            XCTAssertEqual(placeholders, combo.identity == .direct ? ["PROJECT_NUMBER", "RAYCLUSTER_MANIFEST"] : ["RAYCLUSTER_MANIFEST"], "\(combo)")
        }
    }

    func testJSONFormat() throws {
        let plan = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).plan()
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(plan).utf8)) as? [String: Any])
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, plan.steps.count)
        XCTAssertEqual(steps[0]["id"] as? String, "check-gcloud")
        XCTAssertTrue(steps[0]["probe"] is NSNull, "a step without a probe has probe: null")
        XCTAssertEqual(steps.first { $0["id"] as? String == "create-cluster" }?["argv"] as? [String], plan.step(.createCluster)?.argv)
        XCTAssertEqual(json["manifest"] as? String, plan.manifest)
    }

    func testShellQuoting() {
        XCTAssertEqual(ShellQuote.quote("plain-value_1.2:x=y"), "plain-value_1.2:x=y")
        XCTAssertEqual(ShellQuote.quote("it's"), #"'it'\''s'"#)
        XCTAssertEqual(ShellQuote.quote(""), "''")
        XCTAssertEqual(ShellQuote.quote("a b"), "'a b'")
        XCTAssertEqual(ShellQuote.join(["echo", "principal://x/${PROJECT_NUMBER}/y z"]), #"echo principal://x/"${PROJECT_NUMBER}"'/y z'"#)
    }

    func testOutputChecks() {
        XCTAssertTrue(OutputCheck.equals("True").accepts("True\n"))
        XCTAssertTrue(OutputCheck.equals("True").accepts("true"))
        XCTAssertFalse(OutputCheck.equals("x").accepts(""))
        XCTAssertTrue(OutputCheck.containsAll(["a.googleapis.com", "b.googleapis.com"]).accepts("b.googleapis.com\na.googleapis.com\nc\n"))
        XCTAssertFalse(OutputCheck.containsAll(["a"]).accepts("ab"))
        XCTAssertTrue(OutputCheck.containsAll(["v1"]).accepts("v1alpha1 v1"))
        XCTAssertFalse(OutputCheck.nonEmpty.accepts("  \n"))
        XCTAssertTrue(OutputCheck.hasLine(["roles/a", "user:x"]).accepts("roles/b\tuser:x\nroles/a\tuser:x\n"))
        XCTAssertFalse(OutputCheck.hasLine(["roles/a", "user:x"]).accepts("roles/a\tuser:y\nroles/b\tuser:x\n"))
    }
}
