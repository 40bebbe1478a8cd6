import Foundation
import TestKit
import Testing

/// `doctor` with the real gcloud and kubectl against the emulator: one setup made by `apply`, then one link
/// broken at a time with real commands (or the emulator's faults), found by doctor as exactly that link, and
/// repaired by running the fix commands doctor printed. Doctor itself never changes anything but its own test
/// object, which it deletes: the emulator's request log shows no other write.
@Suite struct DoctorEndToEndTests {
    private let doctorRuns = RunCount()

    /// Request kinds that change something (see Tests/Emulator/README.md); the pod's object calls are judged apart.
    private static let mutatingPrefixes = ["create-", "set-", "update-", "patch-", "delete-", "enable-"]

    /// One doctor run: its exit status and the checks of its JSON report.
    struct Report {
        var status: Int32
        var checks: [[String: Any]]
        var text: String

        func check(_ id: String) -> [String: Any]? { checks.first { $0["id"] as? String == id } }
        /// Broken links, leaving out the in-pod checks (symptoms that name their cause).
        var brokenLinks: [String] {
            checks.filter { $0["status"] as? String == "broken" && !(($0["id"] as? String ?? "").hasPrefix("pod:")) }.compactMap { $0["id"] as? String }
        }
        func fix(_ id: String) -> [[String]] { check(id)?["fix"] as? [[String]] ?? [] }
        func evidence(_ id: String) -> String { (check(id)?["evidence"] as? [String] ?? []).joined(separator: "\n") }
    }

    private func doctor(_ emulator: EmulatorHarness, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Report {
        let before = try await emulator.log().count
        doctorRuns.add()
        let result = try await emulator.wizard(["doctor", "--workspace", emulator.workspace.path, "--format", "json"] + extra)
        let document = try #require(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "doctor printed no JSON (exit \(result.status)):\n\(result.stdout)\n\(result.stderr)", sourceLocation: sourceLocation)
        let report = Report(status: result.status, checks: document["checks"] as? [[String: Any]] ?? [], text: result.stdout)
        // Read-only: nothing but the probe's own object is written, and every one it wrote it deleted.
        let requests = try await emulator.log().dropFirst(before)
        let mutating = requests.filter { entry in Self.mutatingPrefixes.contains { entry.kind.hasPrefix($0) } }
        #expect(mutating.map { "\($0.method) \($0.path) \($0.kind)" } == [], "doctor sent a mutating request", sourceLocation: sourceLocation)
        let writes = requests.filter { $0.kind == "object-write" && $0.succeeded }
        let deletes = requests.filter { $0.kind == "object-delete" && $0.succeeded }
        #expect(writes.count == deletes.count, "every test object written is deleted", sourceLocation: sourceLocation)
        #expect(deletes.allSatisfy { $0.path.contains("/kuberay-gcs-wizard-doctor-") && $0.server == "pod" }, sourceLocation: sourceLocation)
        #expect(requests.filter { $0.kind.hasPrefix("object-") }.allSatisfy { $0.server == "pod" }, sourceLocation: sourceLocation)
        return report
    }

    /// Runs each fix command doctor printed, in the hermetic environment.
    private func repair(_ emulator: EmulatorHarness, _ fixes: [[String]], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(!fixes.isEmpty, "no fix to run", sourceLocation: sourceLocation)
        for argv in fixes {
            let result = try await emulator.run(argv[0], Array(argv.dropFirst()))
            #expect(result.status == 0, "fix failed: \(argv.joined(separator: " "))\n\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    private func run(_ emulator: EmulatorHarness, _ program: String, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await emulator.run(program, args)
        #expect(result.status == 0, "\(program) \(args.joined(separator: " "))\n\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// Healthy after apply; then each broken link in turn found as exactly that link and repaired with doctor's fix.
    /// The links that do not depend on the identity mode (node pools, token auth, the metadata server) are broken in
    /// the direct-mode test's setup below instead: the two chains, each on its own emulator, run at once.
    @Test func testDoctorFindsEachBrokenLinkAndItsFixRepairsIt() async throws {
        let emulator = try await EmulatorHarness.start("e2e-doctor")
        defer { emulator.stop() }
        let userConfig = UserConfigGuard()
        let project = "demo-project", email = "my-iam-sa@demo-project.iam.gserviceaccount.com"
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"
        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination.
        let applied = try await emulator.applyForSetup(["project=\(project)", "bucket.name=my-bucket"])
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        let started = Date()

        let healthy = try await doctor(emulator)
        #expect(healthy.status == 0, "\(healthy.text)")
        #expect((healthy.checks.filter { $0["status"] as? String != "ok" }.compactMap { $0["id"] as? String }) == [])
        #expect(healthy.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:raycluster-mini-head-") })

        // The workloadIdentityUser binding removed: the pods get no token.
        try await run(emulator, "gcloud", ["iam", "service-accounts", "remove-iam-policy-binding", email, "--project", project,
                                           "--role", "roles/iam.workloadIdentityUser", "--member", "serviceAccount:\(project).svc.id.goog[default/my-ksa]"])
        var report = try await doctor(emulator)
        #expect(report.status == 1)
        #expect(report.brokenLinks == ["wi-binding"], "\(report.text)")
        #expect(report.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:") && $0["status"] as? String == "broken" })
        try await repair(emulator, report.fix("wi-binding"))

        // The annotation misspelt.
        try await run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-account-", "--context", context])
        try await run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-acount=\(email)", "--context", context])
        report = try await doctor(emulator, ["--no-exec"])
        #expect(report.brokenLinks == ["annotation"], "\(report.text)")
        #expect(report.evidence("annotation").contains("misspelt"), "\(report.evidence("annotation"))")
        try await repair(emulator, report.fix("annotation"))

        // A worker group whose nodeSelector key is misspelt.
        let group = #"{"groupName":"cpu","replicas":0,"minReplicas":0,"maxReplicas":1,"rayStartParams":{},"template":{"spec":{"serviceAccountName":"my-ksa","nodeSelector":{"iam.gke.io/gke-metadata-server-enable":"true"},"containers":[{"name":"ray-worker","image":"rayproject/ray:2.52.0"}]}}}"#
        try await run(emulator, "kubectl", ["patch", "rayclusters.ray.io", "raycluster-mini", "--type", "json", "-p",
                                            #"[{"op":"add","path":"/spec/workerGroupSpecs/-","value":"# + group + "}]", "--context", context])
        report = try await doctor(emulator, ["--no-exec"])
        #expect(report.brokenLinks == ["raycluster"], "\(report.text)")
        #expect(report.evidence("raycluster").contains("worker group cpu:"), "\(report.evidence("raycluster"))")
        try await repair(emulator, report.fix("raycluster"))

        // Workload Identity turned off on the cluster.
        try await run(emulator, "gcloud", ["container", "clusters", "update", "cloud-bucket-cluster", "--project", project, "--location", "us-west1-b",
                                           "--disable-workload-identity"])
        report = try await doctor(emulator)
        #expect(report.brokenLinks == ["workload-pool"], "\(report.text)")
        #expect(report.checks.contains { ($0["evidence"] as? [String] ?? []).contains { $0.contains("-compute@developer.gserviceaccount.com") } }, "the pod acts as the node's account: \(report.text)")
        try await repair(emulator, report.fix("workload-pool"))

        // The KSA deleted and made again: the running head pod started before it.
        try await run(emulator, "kubectl", ["delete", "serviceaccount", "my-ksa", "--context", context])
        // Timestamps have whole seconds: the new KSA's must be later than every Ray pod's.
        let rayPods = try await emulator.run("kubectl", ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context,
                                                         "-o", "jsonpath={.items[*].metadata.creationTimestamp}"])
        let newest = rayPods.stdout.split(separator: " ").compactMap { ISO8601DateFormatter().date(from: String($0)) }.max() ?? Date()
        while Date() < newest.addingTimeInterval(1) { try await Task.sleep(for: .milliseconds(50)) }
        try await run(emulator, "kubectl", ["create", "serviceaccount", "my-ksa", "--context", context])
        try await run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-account=\(email)", "--context", context])
        report = try await doctor(emulator)
        #expect(report.brokenLinks == ["pods"], "\(report.text)")
        #expect(report.evidence("pods").contains("before the KSA was created"), "\(report.evidence("pods"))")
        try await repair(emulator, report.fix("pods"))

        // A role too narrow: objectViewer instead of objectUser.
        try await run(emulator, "gcloud", ["storage", "buckets", "remove-iam-policy-binding", "gs://my-bucket", "--member", "serviceAccount:\(email)",
                                           "--role", "roles/storage.objectUser"])
        try await run(emulator, "gcloud", ["storage", "buckets", "add-iam-policy-binding", "gs://my-bucket", "--member", "serviceAccount:\(email)",
                                           "--role", "roles/storage.objectViewer"])
        report = try await doctor(emulator)
        #expect(report.brokenLinks == ["bucket-role"], "\(report.text)")
        #expect(report.evidence("bucket-role").contains("missing storage.objects.create"), "\(report.evidence("bucket-role"))")
        try await repair(emulator, report.fix("bucket-role"))

        // A bucket of another project, which grants the pods nothing.
        try await emulator.seed(["projects": [["projectId": "other-project", "projectNumber": "999999999999"]],
                                 "buckets": [["name": "their-bucket", "project": "other-project"]]])
        report = try await doctor(emulator, ["--no-exec", "--set", "bucket.name=their-bucket"])
        #expect(report.brokenLinks == ["bucket"], "\(report.text)")
        #expect(report.evidence("bucket").contains("belongs to project number 999999999999"), "\(report.evidence("bucket"))")

        let final = try await doctor(emulator)
        #expect(final.status == 0, "after every repair: \(final.text)")
        print(String(format: "DoctorEndToEndTests: %d doctor runs in %.0f s", doctorRuns.value, Date().timeIntervalSince(started)))
        userConfig.expectUntouched()
    }

    /// Direct mode in its own namespace: healthy after apply; a principal naming the project ID instead of its
    /// number is found as the principal link, and the grant doctor prints (the number filled in) repairs it. Then the
    /// links that do not depend on the identity mode, each broken in turn, found, and repaired with doctor's fix.
    @Test func testDirectModePrincipalWithTheProjectIDIsFoundAndRepaired() async throws {
        // Doctor's reads through the installed gcloud launcher itself; the other doctor test uses the fork server.
        let emulator = try await EmulatorHarness.start("e2e-doctor-direct", plainGcloud: true)
        defer { emulator.stop() }
        // Preflight for these answers: the create-standard/helm/direct combination.
        let applied = try await emulator.applyForSetup(["project=demo-project", "bucket.name=my-bucket", "identity.mode=direct", "identity.namespace=ray"])
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        let healthy = try await doctor(emulator)
        #expect(healthy.status == 0, "\(healthy.text)")

        let pool = "demo-project.svc.id.goog"
        let right = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/\(pool)/subject/ns/ray/sa/my-ksa"
        let wrong = right.replacingOccurrences(of: "projects/123456789012", with: "projects/demo-project")
        try await run(emulator, "gcloud", ["storage", "buckets", "remove-iam-policy-binding", "gs://my-bucket", "--member", right,
                                           "--role", "roles/storage.objectUser"])
        try await run(emulator, "gcloud", ["storage", "buckets", "add-iam-policy-binding", "gs://my-bucket", "--member", wrong,
                                           "--role", "roles/storage.objectUser"])
        var report = try await doctor(emulator)
        #expect(report.status == 1)
        #expect(report.brokenLinks == ["principal"], "\(report.text)")
        #expect(report.evidence("principal").contains("it must be the number, not the ID"), "\(report.evidence("principal"))")
        #expect(report.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:") && $0["status"] as? String == "broken" }, "the pod is refused the write: \(report.text)")
        #expect((report.fix("principal").first?.contains(right)) == true, "\(report.fix("principal"))")
        try await repair(emulator, report.fix("principal"))
        let repaired = try await doctor(emulator)
        #expect(repaired.status == 0, "\(repaired.text)")
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"

        // The node pool back on the node's metadata (as a pool made before Workload Identity is).
        try await emulator.seed(["strict_node_pools": true])
        try await run(emulator, "gcloud", ["container", "node-pools", "update", "default-pool", "--cluster", "cloud-bucket-cluster", "--project", "demo-project",
                                           "--location", "us-west1-b", "--workload-metadata", "GCE_METADATA"])
        report = try await doctor(emulator, ["--no-exec"])
        #expect(report.brokenLinks == ["node-pools"], "\(report.text)")
        try await repair(emulator, report.fix("node-pools"))

        // Token auth taken off the RayCluster: flagged with the patch that puts it back and a restart of the pods, which
        // the operator starts again with the token (the Secret it made stays).
        try await run(emulator, "kubectl", ["patch", "rayclusters.ray.io", "raycluster-mini", "--type", "json", "-p",
                                            #"[{"op":"remove","path":"/spec/authOptions"}]"#, "--namespace", "ray", "--context", context])
        report = try await doctor(emulator, ["--no-exec"])
        #expect(report.brokenLinks == ["ray-auth"], "\(report.text)")
        #expect(report.evidence("ray-auth").contains("no spec.authOptions"), "\(report.evidence("ray-auth"))")
        try await repair(emulator, report.fix("ray-auth"))

        // The metadata server not answering: asked again, then reported; a slow start within the tries is healthy. The
        // pods the restart made are awaited first: each is asked, and counted, below.
        try await run(emulator, "kubectl", ["wait", "pod", "--for=condition=Ready", "-l", "ray.io/cluster=raycluster-mini", "--timeout=60s",
                                            "--namespace", "ray", "--context", context])
        let metadataPath = "/computeMetadata/v1/instance/service-accounts/default/email"
        try await emulator.addFaults(["rules": [["method": "GET", "path_regex": metadataPath, "status": 503, "times": 2]]])
        report = try await doctor(emulator)
        #expect(report.status == 0, "two failed tries of five are waited out: \(report.text)")
        // The repaired token auth, with the restarted pods.
        #expect(report.check("ray-auth")?["status"] as? String == "ok", "\(report.text)")
        #expect(report.check("auth-secret")?["status"] as? String == "ok", "\(report.text)")
        // Five failures for every Ray pod: the pods are asked at once, so fewer would leave some pod answered.
        let podCount = report.checks.filter { ($0["id"] as? String ?? "").hasPrefix("pod:") }.count
        #expect(podCount >= 2, "the head and the workers are checked: \(report.text)")
        try await emulator.addFaults(["rules": [["method": "GET", "path_regex": metadataPath, "status": 503, "times": 5 * podCount]]])
        report = try await doctor(emulator)
        #expect(report.status == 1)
        #expect(report.brokenLinks == [], "\(report.text)")
        let pods = report.checks.filter { ($0["id"] as? String ?? "").hasPrefix("pod:") }
        #expect(pods.count == podCount)
        for pod in pods {
            #expect(((pod["evidence"] as? [String]) ?? []).joined().contains("did not answer after 5 tries"), "\(pod)")
        }

        let final = try await doctor(emulator)
        #expect(final.status == 0, "after every repair: \(final.text)")
    }
}

/// How many times something ran, counted from any thread.
final class RunCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
