import Foundation
import TestKit
import Testing

/// The wizard's `apply` run by the real gcloud, kubectl and gke-gcloud-auth-plugin against the local
/// emulator of the GKE, IAM, Storage and Kubernetes APIs (Tests/Emulator), with a fake helm. Each test
/// starts its own emulator in a temporary folder and stops it when it ends, so the tests run at once; nothing
/// touches ~/.config/gcloud or ~/.kube, and all traffic goes to 127.0.0.1.
@Suite struct EmulatorEndToEndTests {
    static let project = "demo-project"
    static let bucket = "my-bucket"
    static let projectNumber = "123456789012"

    // MARK: Every combination

    struct Combination: Sendable, CustomStringConvertible, CustomTestStringConvertible {
        var cluster: String
        var operatorMode: String
        var identity: String

        /// The default CPU group and a GPU group that keeps one pod: on Standard the plan adds its node pool.
        var sets: [String] {
            ["project=\(project)", "bucket.name=\(bucket)", "cluster.mode=\(cluster)", "operator=\(operatorMode)",
             "identity.mode=\(identity)", "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"]
        }
        var description: String { "\(cluster)/\(operatorMode)/\(identity)" }
        var testDescription: String { description }

        static let clusters = ["create-standard", "create-autopilot", "existing"]
        static let operators = ["gke-addon", "helm", "installed"]
        static let identities = ["iam-service-account", "direct"]

        static var all: [Combination] {
            clusters.flatMap { c in operators.flatMap { o in identities.map { Combination(cluster: c, operatorMode: o, identity: $0) } } }
        }

        /// The combination whose apply runs the installed gcloud launcher, not the fork server (`GcloudForkServer`).
        static let plainGcloud = "create-standard/gke-addon/iam-service-account"

        /// Six of the 18: every cluster mode x identity mode pair and every operator x identity mode pair,
        /// each operator with two different cluster modes.
        static var covering: [Combination] {
            [Combination(cluster: "create-standard", operatorMode: "gke-addon", identity: "iam-service-account"),
             Combination(cluster: "create-standard", operatorMode: "helm", identity: "direct"),
             Combination(cluster: "create-autopilot", operatorMode: "helm", identity: "iam-service-account"),
             Combination(cluster: "create-autopilot", operatorMode: "installed", identity: "direct"),
             Combination(cluster: "existing", operatorMode: "installed", identity: "iam-service-account"),
             Combination(cluster: "existing", operatorMode: "gke-addon", identity: "direct")]
        }
    }

    /// `apply` succeeds for every combination of cluster mode x operator x identity mode (E2E_ALL=1), or a
    /// covering subset by default; each is a test case of its own with its own emulator, and they run at once.
    /// Each shows every create exactly once in the emulator's log, and the check writing and reading back.
    @Test(arguments: ProcessInfo.processInfo.environment["E2E_ALL"] == "1" ? Combination.all : Combination.covering)
    func testApplySucceedsForEveryCombination(_ c: Combination) async throws {
        let userConfig = UserConfigGuard()
        let started = Date()
        // One combination runs the installed gcloud launcher itself, the others its fork server's stand-in.
        let emulator = try await EmulatorHarness.start("e2e-\(c.cluster)-\(c.operatorMode)-\(c.identity)",
                                                       plainGcloud: c.description == Combination.plainGcloud)
        defer { emulator.stop() }
        let location = c.cluster == "create-autopilot" ? "us-west1" : "us-west1-b"
        if c.cluster == "existing" {
            // A Standard cluster made before: no Workload Identity, no Ray add-on, node pool on GCE metadata.
            try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": location, "autopilot": false,
                                                   "workloadPool": NSNull(), "rayOperator": false]],
                                     "strict_node_pools": true])
            // "installed": someone installed KubeRay (its CRD) in it earlier.
            if c.operatorMode == "installed" { try await emulator.installCRD(cluster: "\(location)/cloud-bucket-cluster") }
        }
        // A new cluster with operator "installed" has no operator until someone installs it: the test does so
        // when the wizard's check-crd first finds no CRD (404); the step's retry must then pick it up.
        let installer = c.operatorMode == "installed" && c.cluster != "existing" ? CRDInstaller(emulator) : nil
        installer?.start()
        let result = try await emulator.apply(c.sets)
        installer?.finish()

        #expect(result.status == 0, "apply exit \(result.status)\n\(result.stdout.suffix(3000))\n\(result.stderr.suffix(2000))")
        // Every Ray node checked: the head, the CPU group's pod and the GPU group's pod.
        let summary = result.stdout.split(separator: "\n").first { $0.contains("on every Ray node: ") }.map(String.init) ?? ""
        #expect(summary.contains(": head ok, gpu-") && summary.contains(" ok, workers-") && summary.hasSuffix(" ok") && !summary.contains("failed"),
                "no summary of three nodes ok in:\n\(result.stdout.suffix(1500))")
        if let installer { #expect(installer.installed, "check-crd never got a 404 before the CRD was installed") }

        let log = try await emulator.log()
        var expected = ["create-serviceaccount", "create-bucket", "create-raycluster"]
        if c.cluster != "existing" { expected.append("create-cluster") }
        if c.identity == "iam-service-account" { expected.append("create-service-account") }
        if c.cluster != "create-autopilot" { expected.append("create-node-pool") }
        for kind in expected {
            #expect(log.count(kind) == 1 && log.succeeded(kind) == 1,
                    "\(kind): \(log.count(kind)) requests, \(log.succeeded(kind)) succeeded; want exactly one, successful")
        }
        let unexpected = Set(log.creates.map(\.kind)).subtracting(expected)
        #expect(unexpected.isEmpty, "unexpected creates: \(unexpected.sorted())")
        #expect(log.succeeded("object-write") == 3 && log.succeeded("object-read") == 3,
                "object-write \(log.succeeded("object-write")), object-read \(log.succeeded("object-read")); want 3 and 3 (one per Ray node)")
        #expect(log.succeeded("set-bucket-iam-policy") == 1, "set-bucket-iam-policy: \(log.succeeded("set-bucket-iam-policy")), want 1")
        #expect(log.succeeded("set-iam-policy") == (c.identity == "iam-service-account" ? 1 : 0),
                "set-iam-policy (service account): \(log.succeeded("set-iam-policy"))")
        if c.cluster == "existing" {
            #expect(log.succeeded("update-cluster-workload-pool") == 1, "workload pool not enabled once")
            #expect(log.succeeded("update-node-pool") == 1, "node pool not switched to GKE_METADATA once")
            #expect(log.succeeded("update-cluster-addons") == (c.operatorMode == "gke-addon" ? 1 : 0),
                    "update-cluster-addons: \(log.succeeded("update-cluster-addons"))")
        }
        let helmCalls = (try? String(contentsOf: emulator.root.appendingPathComponent("helm-state/calls.log"), encoding: .utf8)) ?? ""
        let installs = helmCalls.split(separator: "\n").filter { $0.hasPrefix("helm install ") }.count
        #expect(installs == (c.operatorMode == "helm" ? 1 : 0), "helm install ran \(installs) times:\n\(helmCalls)")
        let retries = result.stdout.components(separatedBy: "; retrying in ").count - 1
        print(String(format: "EmulatorEndToEndTests: %@ in %.0fs%@", c.description, Date().timeIntervalSince(started),
                     retries == 0 ? "" : " (\(retries) retries)"))
        userConfig.expectUntouched()
    }

    // MARK: Failures, resume, second runs

    /// A 403 on the bucket create stops the run with a hint naming the missing permission and the role;
    /// `resume` completes; across both runs no create is sent twice except the refused bucket create.
    @Test func testInjectedFailureStopsWithHintAndResumeCompletes() async throws {
        let emulator = try await EmulatorHarness.start("e2e-fault")
        defer { emulator.stop() }
        try await emulator.addFaults(["rules": [["method": "POST", "path_regex": "/storage/v1/b$", "status": 403, "times": 1,
                                                 "message": "tester@example.com does not have storage.buckets.create access to the Google Cloud project. Permission 'storage.buckets.create' denied on resource (or it may not exist)."]]])
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)"]
        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination.
        let first = try await emulator.applyForSetup(sets)
        #expect(first.status == 1, "\(first.stdout + first.stderr)")
        #expect(first.stdout.contains("failed: Create the bucket gs://\(Self.bucket)"), "\(first.stdout)")
        #expect(first.stdout.contains("Hint: Permission denied: missing storage.buckets.create for tester@example.com."), "\(first.stdout)")
        #expect(first.stdout.contains("Ask a project owner to grant roles/storage.admin to tester@example.com, then resume."), "\(first.stdout)")
        #expect(first.stdout.contains("When fixed, continue with: kuberay-gcs-wizard resume --workspace \(emulator.workspace.path)"), "\(first.stdout)")
        let firstLog = try await emulator.log()
        #expect(firstLog.succeeded("create-bucket") == 0)
        #expect(firstLog.succeeded("object-write") == 0)

        let resumed = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout + resumed.stderr)")
        #expect(resumed.stdout.contains("on every Ray node: head ok, workers-"), "\(resumed.stdout)")

        let log = try await emulator.log()
        for kind in ["create-cluster", "create-serviceaccount", "create-service-account", "create-raycluster"] {
            #expect(log.count(kind) == 1, "\(kind) sent \(log.count(kind)) times across apply and resume")
            #expect(log.succeeded(kind) == 1, "\(kind)")
        }
        #expect(log.count("create-bucket") == 2, "the refused create and the one on resume")
        #expect(log.succeeded("create-bucket") == 1)
        let resumeCreates = log.dropFirst(firstLog.count).filter { $0.kind.hasPrefix("create-") }.map(\.kind)
        // The IAM service account, the bucket and the cluster start together: the refused bucket stopped new starts,
        // and the cluster's create, already running, finished.
        #expect(firstLog.succeeded("create-cluster") == 1, "the running create was let finish")
        // Resume runs the bucket beside the Kubernetes side, so their order is the graph's, not fixed.
        #expect(resumeCreates.sorted() == ["create-bucket", "create-raycluster", "create-serviceaccount"], "resume re-sent a create: \(resumeCreates)")
        #expect(log.succeeded("object-write") == 2, "the head and the default group's worker")
        #expect(log.succeeded("object-read") == 2)
    }

    /// A GPU group that keeps a pod, in a new project without GPU quota, run with --skip-preflight (preflight would
    /// stop it before anything is created: PreflightEndToEndTests): GKE's autoscaler cannot add the node, so the
    /// wait for the workers ends as soon as it says so, not at its 10-minute limit, and its hint names the group and
    /// quotes the autoscaler's event on the pod, not the head; the journal says preflight was skipped. Once the quota
    /// is raised, resume finishes with the GPU worker checked.
    @Test func testGPUWorkersOverQuotaStopAtTheirWaitWithTheAutoscalersReason() async throws {
        let emulator = try await EmulatorHarness.start("e2e-gpu-quota")
        defer { emulator.stop() }
        try await emulator.seed(["quotas": ["preset": "new-project"]])
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)",
                    "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"]
        let first = try await emulator.apply(sets, extra: ["--skip-preflight"])
        #expect(first.status == 1, "\(first.stdout + first.stderr)")
        let journal = try String(contentsOf: emulator.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        #expect(journal.contains(#""preflight" : "skipped""#), "\(journal)")
        let out = first.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(out.contains("failed: Wait for the Ray worker pods to be Ready"), "\(first.stdout)")
        #expect(out.contains(", as the quota will not grow by itself: The Ray worker pods of group gpu did not become Ready: "
                              + "raycluster-mini-gpu-worker-"), "\(first.stdout)")
        // Under a minute ("NNs"; a minute or more reads "1m 05s"): the autoscaler's answer, not the wait's 10-minute limit.
        #expect(out.contains(/Hint: Stopped waiting after \d+(\.\d)?s, as/), "\(first.stdout)")
        #expect(out.contains("is Pending: FailedScaleUp: Node scale up in zones us-west1-b associated with this pod failed: "
                              + "GCE quota exceeded. Pod is at risk of not being scheduled."), "\(first.stdout)")
        #expect(out.contains("--set ray.workers[1].minReplicas=0 --replan."), "\(first.stdout)")
        #expect(!out.contains("head pod did not become"), "\(first.stdout)")

        try await emulator.seed(["quotas": ["preset": "new-project", "regions": ["us-west1": ["NVIDIA_L4_GPUS": 1]],
                                            "global": ["GPUS_ALL_REGIONS": 1]]])
        let resumed = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout + resumed.stderr)")
        #expect(resumed.stdout.contains("gpu-"), "\(resumed.stdout)")
    }

    /// A GPU group whose zone has no L4 left: its node pool (from 0 nodes) is created fine, and GKE's autoscaler then
    /// fails to add the node (`GCE out of resources`). The wait's hint quotes that and names the region's other zones
    /// that offer the type, read with gcloud, and the answer that moves there.
    @Test func testAGPUStockoutAtScaleUpNamesTheOtherZones() async throws {
        let emulator = try await EmulatorHarness.start("e2e-gpu-stockout")
        defer { emulator.stop() }
        try await emulator.seed(["stockouts": [["zone": "us-west1-b", "accelerator": "nvidia-l4"]]])
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)",
                    "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4", "ray.workers[1].minReplicas=1"]
        // Preflight reads no capacity (no API says it ahead): skipped to spare its reads.
        let first = try await emulator.apply(sets, extra: ["--timeout", "wait-workers=3", "--skip-preflight"])
        #expect(first.status == 1, "\(first.stdout + first.stderr)")
        let out = first.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(out.contains("is Pending: FailedScaleUp: Node scale up in zones us-west1-b associated with this pod failed: "
                              + "GCE out of resources."), "\(first.stdout)")
        #expect(out.contains("Other zones of us-west1 offer nvidia-l4: us-west1-a, us-west1-c. Move there: resume with "
                              + "--set zone=us-west1-a --replan"), "\(first.stdout)")
        let log = try await emulator.log()
        #expect(log.count("list-accelerator-types") == 1, "the other zones were read once")
    }

    /// A cluster left PROVISIONING by an interrupted create (here seeded so) counts as created, and the run waits
    /// until it is RUNNING before getting credentials; the create is not sent again.
    @Test func testAClusterStillProvisioningIsWaitedFor() async throws {
        let emulator = try await EmulatorHarness.start("e2e-provisioning")
        defer { emulator.stop() }
        // A first create goes without its probe, so GKE's 409 "Already exists" counts it done; then two reads of the
        // wait step find it PROVISIONING, and its retry after them finds it RUNNING.
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "autopilot": false,
                                                "workloadPool": "\(Self.project).svc.id.goog", "rayOperator": true,
                                                "provisioningReads": 2]]])
        // A fresh workspace meets the cluster: preflight would refuse its name as taken (PreflightEndToEndTests);
        // what is tested here is the create step's probe and the wait after it.
        let result = try await emulator.apply(["project=\(Self.project)", "bucket.name=\(Self.bucket)"], extra: ["--skip-preflight"])
        #expect(result.status == 0, "\(result.stdout + result.stderr)")
        #expect(result.stdout.contains("Create the GKE Standard cluster") && result.stdout.contains("already done"), "\(result.stdout)")
        #expect(result.stdout.contains("step 10: waiting for the cluster to be RUNNING: ")
                && result.stdout.contains("so far, up to 30 min; trying again in ")
                && result.stdout.contains("(try 1: The command succeeded but printed \"PROVISIONING\" where this step expects \"RUNNING\".)"),
                "\(result.stdout)")
        #expect(result.stdout.contains("on every Ray node: head ok, workers-"), "\(result.stdout)")
        let log = try await emulator.log()
        #expect(log.filter { $0.kind == "create-cluster" }.map(\.status) == [409], "one create, refused as taken: \(log.map(\.kind))")
        // Credentials were asked for only once the cluster answered RUNNING.
        let kinds = log.map(\.kind)
        let reads = kinds.indices.filter { kinds[$0] == "get-cluster" }
        #expect(reads.count >= 3, "\(kinds)")
    }

    /// With `ray.networkPolicy`, an existing Standard cluster that enforces no NetworkPolicy (no Dataplane V2, no
    /// network policy enforcement) stops the run before anything is created or changed, with a hint naming the
    /// cluster's fields and the way out: at the plan's own check with `--skip-preflight` (as `setup.sh` has it), and at
    /// preflight otherwise.
    @Test func testAnExistingClusterWithoutPolicyEnforcementIsRefusedBeforeAnyChange() async throws {
        let emulator = try await EmulatorHarness.start("e2e-no-dataplane-v2")
        defer { emulator.stop() }
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "autopilot": false,
                                                "workloadPool": "\(Self.project).svc.id.goog", "rayOperator": true]]])
        let result = try await emulator.apply(["project=\(Self.project)", "bucket.name=\(Self.bucket)", "cluster.mode=existing",
                                               "ray.networkPolicy=true"], extra: ["--skip-preflight"])
        #expect(result.status == 1, "\(result.stdout + result.stderr)")
        #expect(result.stdout.contains("failed: Check the cluster enforces NetworkPolicies"), "\(result.stdout)")
        for words in ["networkConfig.datapathProvider is ADVANCED_DATAPATH", "networkPolicy.enabled is true",
                      "--update-addons NetworkPolicy=ENABLED", "answer ray.networkPolicy false"] {
            #expect(result.stdout.contains(words), "\(words)\n\(result.stdout)")
        }
        // apply wrote the policy beside raycluster.yaml, for review.
        #expect(FileManager.default.fileExists(atPath: emulator.workspace.appendingPathComponent("networkpolicy.yaml").path))

        // With preflight (and the APIs on, as in a project used before), its checks stop the run before the plan's.
        try await emulator.seed(["enabled_services": ["container.googleapis.com", "compute.googleapis.com"]])
        let early = try await emulator.wizard(["apply", "--yes", "--workspace", emulator.root.appendingPathComponent("ws-2").path,
                                               "--set", "project=\(Self.project)", "--set", "bucket.name=\(Self.bucket)",
                                               "--set", "cluster.mode=existing", "--set", "ray.networkPolicy=true"])
        #expect(early.status == 1, "\(early.stdout + early.stderr)")
        for text in ["✗ Cluster cloud-bucket-cluster enforces NetworkPolicies (ray.networkPolicy)",
                     "neither Dataplane V2 (networkConfig.datapathProvider is unset) nor networkPolicy.enabled",
                     "Preflight stops the run: Cluster cloud-bucket-cluster enforces NetworkPolicies"] {
            #expect(early.stdout.contains(text), "\(text)\n\(early.stdout)")
        }
        let log = try await emulator.log()
        #expect(log.filter { $0.kind.hasPrefix("create-") || $0.kind.hasPrefix("update-") || $0.kind.hasPrefix("set-") }.map(\.kind) == [],
                "nothing was created or changed")
    }

    /// An existing regional Autopilot cluster answered as a person might at first: by the zone, then as Standard.
    /// Each wrong answer stops the run before any change, with a hint naming the `--set` that fixes it; resuming
    /// with it completes without the node-pool update and the nodeSelector that Autopilot rejects.
    @Test func testExistingRegionalAutopilotClusterWrongAnswersStopEarlyThenResumeCompletes() async throws {
        let emulator = try await EmulatorHarness.start("e2e-existing-autopilot")
        defer { emulator.stop() }
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1", "autopilot": true, "rayOperator": false]]])
        let workspace = emulator.workspace.path
        func changes(_ log: [EmulatorLogEntry]) -> [String] {
            log.filter { $0.kind.hasPrefix("update-") || $0.kind.hasPrefix("create-") }.map(\.kind)
        }

        // The plan's own checks of an existing cluster, which run before preflight's gate (apply's preflight would
        // stop it before the run: PreflightEndToEndTests).
        let byZone = try await emulator.apply(["project=\(Self.project)", "bucket.name=\(Self.bucket)", "cluster.mode=existing"],
                                              extra: ["--skip-preflight"])
        #expect(byZone.status == 1, "\(byZone.stdout + byZone.stderr)")
        #expect(byZone.stdout.contains("failed: Check the existing cluster"), "\(byZone.stdout)")
        #expect(byZone.stdout.contains("Hint: The cluster cloud-bucket-cluster is not in us-west1-b; gcloud found it in us-west1."), "\(byZone.stdout)")
        #expect(byZone.stdout.contains("resume with --set cluster.location=us-west1 --replan"), "\(byZone.stdout)")

        let asStandard = try await emulator.wizard(["resume", "--workspace", workspace, "--set", "cluster.location=us-west1", "--replan",
                                                    "--skip-preflight"])
        #expect(asStandard.status == 1, "\(asStandard.stdout + asStandard.stderr)")
        #expect(asStandard.stdout.contains("failed: Check the cluster is Standard"), "\(asStandard.stdout)")
        #expect(asStandard.stdout.contains("resume --set cluster.autopilot=true --replan"), "\(asStandard.stdout)")
        #expect(changes(try await emulator.log()) == [], "a wrong answer changed something before it was caught")

        let asAutopilot = try await emulator.wizard(["resume", "--workspace", workspace, "--set", "cluster.autopilot=true", "--replan"])
        #expect(asAutopilot.status == 0, "\(asAutopilot.stdout + asAutopilot.stderr)")
        #expect(asAutopilot.stdout.contains("on every Ray node: head ok, workers-"), "\(asAutopilot.stdout)")
        let wi = asAutopilot.stdout.split(separator: "\n").last { $0.contains("] Enable Workload Identity on the cluster") } ?? ""
        #expect(wi.contains("already done"), "Autopilot always has the pool:\n\(asAutopilot.stdout)")
        let log = try await emulator.log()
        #expect(log.count("update-node-pool") == 0, "Autopilot rejects node-pool updates")
        #expect(log.count("update-cluster-workload-pool") == 0)
        #expect(log.succeeded("update-cluster-addons") == 1)
        #expect(log.count("create-cluster") == 0)
        #expect(log.count("create-raycluster") == 1)
        #expect(log.succeeded("object-write") == 2, "the head and worker pods ran: Autopilot did not deny them")
        let manifest = try String(contentsOf: emulator.workspace.appendingPathComponent("raycluster.yaml"), encoding: .utf8)
        #expect(!manifest.contains("gke-metadata-server-enabled"), "\(manifest)")
        // The RayJobs are written again with the new answers: their pods, the submitter's too, have no selector either.
        for rayJob in ["rayjob.yaml", "rayjob-own-cluster.yaml"] {
            let text = try String(contentsOf: emulator.workspace.appendingPathComponent(rayJob), encoding: .utf8)
            #expect(!text.contains("gke-metadata-server-enabled"), "\(text)")
            #expect(text.contains("submitterPodTemplate:"), "\(text)")
        }
    }

    /// Moving a finished setup onto another cluster (resume --replan with a new cluster): the Kubernetes steps run
    /// again there, by the new cluster's kubeconfig context, instead of counting as done from the first cluster.
    @Test func testReplanOntoAnotherClusterRunsTheKubernetesStepsThere() async throws {
        let emulator = try await EmulatorHarness.start("e2e-other-cluster")
        defer { emulator.stop() }
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "workloadPool": NSNull(), "rayOperator": false]]])
        // Preflight for these answers: the existing/gke-addon/direct and existing/installed/iam-service-account combinations.
        let first = try await emulator.applyForSetup(["project=\(Self.project)", "bucket.name=\(Self.bucket)", "cluster.mode=existing"])
        #expect(first.status == 0, "\(first.stdout + first.stderr)")

        let moved = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path, "--set", "cluster.mode=create-standard",
                                               "--set", "cluster.name=second-cluster", "--replan"])
        #expect(moved.status == 0, "\(moved.stdout + moved.stderr)")
        #expect(moved.stdout.contains("on every Ray node: head ok, workers-"), "\(moved.stdout)")
        let log = try await emulator.log()
        func made(_ kind: String, in cluster: String) -> Int {
            log.filter { $0.kind == kind && $0.succeeded && $0.path.contains("/k/us-west1-b/\(cluster)/") }.count
        }
        for kind in ["create-serviceaccount", "create-raycluster"] {
            #expect(made(kind, in: "cloud-bucket-cluster") == 1, "\(kind) in the first cluster")
            #expect(made(kind, in: "second-cluster") == 1, "\(kind) in the second cluster")
        }
        #expect(log.count("create-bucket") == 1, "the bucket is kept")
        #expect(log.succeeded("object-write") == 4, "the check ran again on the second cluster's head and worker")
    }

    /// A bucket name someone else owns gets a 409: the hint says names are global and to pick another; resuming
    /// with another name (--replan) keeps what is done and completes.
    @Test func testTakenBucketNameHintThenReplanWithAnotherName() async throws {
        let emulator = try await EmulatorHarness.start("e2e-taken")
        defer { emulator.stop() }
        try await emulator.seed(["taken_bucket_names": ["taken-bucket"]])
        // Without preflight, which would stop the run before it starts (PreflightEndToEndTests): the step's hint.
        let first = try await emulator.apply(["project=\(Self.project)", "bucket.name=taken-bucket", "identity.mode=direct"], extra: ["--skip-preflight"])
        #expect(first.status == 1, "\(first.stdout + first.stderr)")
        #expect(first.stdout.contains("failed: Create the bucket gs://taken-bucket"), "\(first.stdout)")
        #expect(first.stdout.contains("Hint: The bucket name is taken by someone else: bucket names are global across all of Cloud Storage."), "\(first.stdout)")
        #expect(first.stdout.contains("Pick another bucket name"), "\(first.stdout)")
        let firstLog = try await emulator.log()
        #expect(firstLog.count("create-bucket") == 1)
        #expect(firstLog.succeeded("create-bucket") == 0)

        let resumed = try await emulator.wizard(["resume", "--workspace", emulator.workspace.path, "--set", "bucket.name=\(Self.bucket)", "--replan"])
        #expect(resumed.status == 0, "\(resumed.stdout + resumed.stderr)")
        #expect(resumed.stdout.contains("on every Ray node: head ok, workers-"), "\(resumed.stdout)")
        let log = try await emulator.log()
        #expect(log.contains { $0.kind == "object-write" && $0.succeeded && $0.path.contains("/b/\(Self.bucket)/") },
                "the check wrote to the new bucket")
        for kind in ["create-cluster", "create-serviceaccount", "create-raycluster"] {
            #expect(log.count(kind) == 1, "\(kind) sent \(log.count(kind)) times")
        }
        #expect(log.count("create-service-account") == 0)
        #expect(log.count("create-bucket") == 2)
        #expect(log.succeeded("create-bucket") == 1)
        #expect(log.succeeded("object-write") == 2, "the head and the worker")
    }

    /// A second `apply` on a finished workspace finds everything and sends no create (nor any IAM change). Then, on the
    /// same setup (IAM service account mode), without the GSA's roles/iam.workloadIdentityUser binding for the KSA the
    /// pod cannot get a token for the GSA: the check fails with iam.serviceAccounts.getAccessToken denied.
    @Test func testSecondApplySendsNoCreateThenARemovedWorkloadIdentityUserBindingFailsTheCheck() async throws {
        let emulator = try await EmulatorHarness.start("e2e-second")
        defer { emulator.stop() }
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)", "identity.mode=iam-service-account"]
        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination; the second apply
        // runs it on the finished workspace.
        let first = try await emulator.applyForSetup(sets)
        #expect(first.status == 0, "\(first.stdout + first.stderr)")
        let before = try await emulator.log()

        let second = try await emulator.apply(sets)
        #expect(second.status == 0, "\(second.stdout + second.stderr)")
        #expect(second.stdout.contains("on every Ray node: head ok, workers-"), "\(second.stdout)")
        let clusterLine = second.stdout.split(separator: "\n").last { $0.contains("] Create the GKE Standard cluster ") } ?? ""
        #expect(clusterLine.contains("already done"), "\(second.stdout)")
        let after = try await emulator.log()
        #expect(after.count > before.count)
        let sent = after.dropFirst(before.count)
        let changes = sent.filter { $0.kind.hasPrefix("create-") || $0.kind.hasPrefix("set-") || $0.kind.hasPrefix("update-")
            || $0.kind.hasPrefix("enable-") || $0.kind == "patch-serviceaccount" }
        #expect(changes.map { "\($0.kind) \($0.method) \($0.path)" } == [], "the second apply changed something")
        #expect((sent.filter { $0.kind == "object-write" }.count) == 2, "the check runs again on both Ray nodes")

        // A broken identity chain fails the in-cluster check.
        let steps = try await planSteps(emulator, sets)
        let verify = try #require(steps["verify-bucket"])
        var remove = try #require(steps["bind-workload-identity"])
        #expect(Array(remove.prefix(4)) == ["gcloud", "iam", "service-accounts", "add-iam-policy-binding"])
        #expect(remove.contains("serviceAccount:\(Self.project).svc.id.goog[default/my-ksa]"), "\(remove)")
        remove[3] = "remove-iam-policy-binding"
        let removed = try await emulator.run("gcloud", Array(remove.dropFirst()))
        #expect(removed.status == 0, "\(removed.stderr)")

        let broken = try await emulator.run("kubectl", Array(verify.dropFirst()), cwd: emulator.workspace)
        #expect(broken.status != 0, "\(broken.stdout)")
        #expect(broken.stderr.contains("Permission 'iam.serviceAccounts.getAccessToken' denied"), "\(broken.stderr)")
        let log = try await emulator.log()
        #expect(log.filter { $0.kind == "object-write" && $0.succeeded }.count == 4,
                "only the two applies' checks wrote (the head and the worker each), not the broken one")
    }

    // MARK: A broken identity chain fails the in-cluster check

    /// Direct mode: the plan's own verify command (run through the real kubectl) passes, then fails with a 403 on the
    /// worker alone, named with its group, when a hand-edited raycluster.yaml drops the KSA from the worker template,
    /// then on every node when the bucket's binding for the KSA's principal is removed.
    @Test func testWorkerWithoutTheKSAThenRemovedBucketBindingFailTheCheckWith403() async throws {
        let emulator = try await EmulatorHarness.start("e2e-broken-bucket")
        defer { emulator.stop() }
        let sets = ["project=\(Self.project)", "bucket.name=\(Self.bucket)", "identity.mode=direct"]
        // Preflight for these answers: the existing/gke-addon/direct and create-standard/helm/direct combinations.
        let applied = try await emulator.applyForSetup(sets)
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")

        let steps = try await planSteps(emulator, sets)
        let verify = try #require(steps["verify-bucket"])
        // The plan reads the project number at run time (step read-project-number).
        let grant = try #require(steps["grant-bucket-role"]).map { $0.replacingOccurrences(of: "${PROJECT_NUMBER}", with: Self.projectNumber) }
        #expect(Array(grant.prefix(4)) == ["gcloud", "storage", "buckets", "add-iam-policy-binding"])
        let member = "principal://iam.googleapis.com/projects/\(Self.projectNumber)/locations/global/workloadIdentityPools/"
            + "\(Self.project).svc.id.goog/subject/ns/default/sa/my-ksa"
        #expect(grant.contains(member), "\(grant)")

        let intact = try await emulator.run("kubectl", Array(verify.dropFirst()), cwd: emulator.workspace)
        #expect(intact.status == 0, "\(intact.stderr)")

        // raycluster.yaml hand-edited so the worker template lost the KSA: its new pod runs as the namespace's default
        // service account, which has no role on the bucket. The head still passes; the check names the worker's group.
        let manifestURL = emulator.workspace.appendingPathComponent("raycluster.yaml")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        let workers = try #require(manifest.range(of: "workerGroupSpecs:"))
        let ksaLine = try #require(manifest.range(of: "        serviceAccountName: my-ksa\n", range: workers.upperBound..<manifest.endIndex))
        try manifest.replacingCharacters(in: ksaLine, with: "").write(to: manifestURL, atomically: true, encoding: .utf8)
        let context = ["--context", "gke_\(Self.project)_us-west1-b_cloud-bucket-cluster"]
        for args in [["apply", "-f", "raycluster.yaml"], ["delete", "pod", "-l", "ray.io/group=workers"],
                     ["wait", "pod", "--for=condition=Ready", "-l", "ray.io/group=workers", "--timeout=60s"]] {
            let done = try await emulator.run("kubectl", args + context, cwd: emulator.workspace)
            #expect(done.status == 0, "kubectl \(args): \(done.stdout)\(done.stderr)")
        }
        let noKSA = try await emulator.run("kubectl", Array(verify.dropFirst()), cwd: emulator.workspace)
        #expect(noKSA.status == 1, "\(noKSA.stdout + noKSA.stderr)")
        let lines = noKSA.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("headgroup raycluster-mini-head-") && $0.hasSuffix(" ok") }, "\(noKSA.stdout)")
        let worker = lines.first { $0.hasPrefix("workers raycluster-mini-workers-worker-") } ?? ""
        #expect(worker.contains(" failed: write: HTTP 403: ") && worker.contains("/sa/default does not have storage.objects.create access"),
                "\(noKSA.stdout)")
        #expect(lines.last?.hasPrefix("head ok, workers-") ?? false, "\(noKSA.stdout)")
        #expect(lines.last?.hasSuffix(" failed") ?? false, "\(noKSA.stdout)")
        #expect(noKSA.stderr.contains(worker), "the failed node's line is where a failed step's hint looks:\n\(noKSA.stderr)")

        var remove = grant
        remove[3] = "remove-iam-policy-binding"
        let removed = try await emulator.run("gcloud", Array(remove.dropFirst()))
        #expect(removed.status == 0, "\(removed.stderr)")

        let broken = try await emulator.run("kubectl", Array(verify.dropFirst()), cwd: emulator.workspace)
        #expect(broken.status != 0, "\(broken.stdout)")
        #expect(broken.stderr.contains("failed: write: HTTP 403"), "\(broken.stderr)")
        #expect(broken.stderr.contains("does not have storage.objects.create access"), "\(broken.stderr)")
    }

    /// The argv of every step of the plan for `sets`, by step id.
    private func planSteps(_ emulator: EmulatorHarness, _ sets: [String]) async throws -> [String: [String]] {
        let plan = try await emulator.wizard(["plan", "--format", "json"] + sets.flatMap { ["--set", $0] })
        #expect(plan.status == 0, "\(plan.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        var steps: [String: [String]] = [:]
        for step in try #require(doc["steps"] as? [[String: Any]]) {
            if let id = step["id"] as? String, let argv = step["argv"] as? [String] { steps[id] = argv }
        }
        return steps
    }
}

// MARK: Helpers

/// Installs the RayCluster CRD as soon as the emulator has answered a CRD lookup with 404 (someone
/// installing the operator while the wizard waits for it).
final class CRDInstaller: @unchecked Sendable {
    private let emulator: EmulatorHarness
    private let lock = NSLock()
    private var done = false
    private var didInstall = false
    private let finished = DispatchSemaphore(value: 0)

    init(_ emulator: EmulatorHarness) { self.emulator = emulator }

    var installed: Bool { lock.lock(); defer { lock.unlock() }; return didInstall }

    func start() {
        Thread { [self] in
            while !isDone {
                let log = (try? emulator.log()) ?? []
                if log.contains(where: { $0.kind == "get-customresourcedefinition" && $0.status == 404 }) {
                    if (try? emulator.installCRD()) != nil { lock.lock(); didInstall = true; lock.unlock() }
                    break
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
            finished.signal()
        }.start()
    }

    func finish() {
        lock.lock(); done = true; lock.unlock()
        finished.wait()
    }

    private var isDone: Bool { lock.lock(); defer { lock.unlock() }; return done }
}

/// Checks that ~/.config/gcloud and ~/.kube of the user running the tests are not written.
struct UserConfigGuard {
    let started = Date()
    let kubeExisted = FileManager.default.fileExists(atPath: NSHomeDirectory() + "/.kube")

    func expectUntouched(sourceLocation: SourceLocation = #_sourceLocation) {
        let home = NSHomeDirectory()
        #expect(FileManager.default.fileExists(atPath: home + "/.kube") == kubeExisted, "~/.kube was created", sourceLocation: sourceLocation)
        for dir in [home + "/.config/gcloud", home + "/.kube"] {
            guard let files = FileManager.default.enumerator(atPath: dir) else { continue }
            for case let name as String in files {
                let attributes = try? FileManager.default.attributesOfItem(atPath: dir + "/" + name)
                if let modified = attributes?[.modificationDate] as? Date, modified > started {
                    Issue.record("\(dir)/\(name) was written during the test", sourceLocation: sourceLocation)
                }
            }
        }
    }
}
