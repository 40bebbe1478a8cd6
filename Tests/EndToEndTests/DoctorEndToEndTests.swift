import Foundation
import TestKit
import XCTest

/// `doctor` with the real gcloud and kubectl against the emulator: one setup made by `apply`, then one link
/// broken at a time with real commands (or the emulator's faults), found by doctor as exactly that link, and
/// repaired by running the fix commands doctor printed. Doctor itself never changes anything but its own test
/// object, which it deletes: the emulator's request log shows no other write.
final class DoctorEndToEndTests: XCTestCase {
    private let emulators = EmulatorRegistry()
    private var doctorRuns = 0

    override func tearDown() {
        emulators.stopAll()
        super.tearDown()
    }

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

    private func doctor(_ emulator: EmulatorHarness, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> Report {
        let before = try emulator.log().count
        doctorRuns += 1
        let result = try emulator.wizard(["doctor", "--workspace", emulator.workspace.path, "--format", "json"] + extra)
        let document = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                     "doctor printed no JSON (exit \(result.status)):\n\(result.stdout)\n\(result.stderr)", file: file, line: line)
        let report = Report(status: result.status, checks: document["checks"] as? [[String: Any]] ?? [], text: result.stdout)
        // Read-only: nothing but the probe's own object is written, and every one it wrote it deleted.
        let requests = try emulator.log().dropFirst(before)
        let mutating = requests.filter { entry in Self.mutatingPrefixes.contains { entry.kind.hasPrefix($0) } }
        XCTAssertEqual(mutating.map { "\($0.method) \($0.path) \($0.kind)" }, [], "doctor sent a mutating request", file: file, line: line)
        let writes = requests.filter { $0.kind == "object-write" && $0.succeeded }
        let deletes = requests.filter { $0.kind == "object-delete" && $0.succeeded }
        XCTAssertEqual(writes.count, deletes.count, "every test object written is deleted", file: file, line: line)
        XCTAssertTrue(deletes.allSatisfy { $0.path.contains("/kuberay-gcs-wizard-doctor-") && $0.server == "pod" }, file: file, line: line)
        XCTAssertTrue(requests.filter { $0.kind.hasPrefix("object-") }.allSatisfy { $0.server == "pod" }, file: file, line: line)
        return report
    }

    /// Runs each fix command doctor printed, in the hermetic environment.
    private func repair(_ emulator: EmulatorHarness, _ fixes: [[String]], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(fixes.isEmpty, "no fix to run", file: file, line: line)
        for argv in fixes {
            let result = try emulator.run(argv[0], Array(argv.dropFirst()))
            XCTAssertEqual(result.status, 0, "fix failed: \(argv.joined(separator: " "))\n\(result.stderr)", file: file, line: line)
        }
    }

    private func run(_ emulator: EmulatorHarness, _ program: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try emulator.run(program, args)
        XCTAssertEqual(result.status, 0, "\(program) \(args.joined(separator: " "))\n\(result.stderr)", file: file, line: line)
    }

    /// Healthy after apply; then each broken link in turn found as exactly that link and repaired with doctor's fix.
    func testDoctorFindsEachBrokenLinkAndItsFixRepairsIt() throws {
        let tools = try EndToEndTools.require()
        let emulator = try emulators.start(in: try TestPaths.temporaryFolder(self, "e2e-doctor"), tools: tools)
        let userConfig = UserConfigGuard()
        let project = "demo-project", email = "my-iam-sa@demo-project.iam.gserviceaccount.com"
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"
        let applied = try emulator.apply(["project=\(project)", "bucket.name=my-bucket"])
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        let started = Date()

        let healthy = try doctor(emulator)
        XCTAssertEqual(healthy.status, 0, healthy.text)
        XCTAssertEqual(healthy.checks.filter { $0["status"] as? String != "ok" }.compactMap { $0["id"] as? String }, [])
        XCTAssertTrue(healthy.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:raycluster-mini-head-") })

        // The workloadIdentityUser binding removed: the pods get no token.
        try run(emulator, "gcloud", ["iam", "service-accounts", "remove-iam-policy-binding", email, "--project", project,
                                     "--role", "roles/iam.workloadIdentityUser", "--member", "serviceAccount:\(project).svc.id.goog[default/my-ksa]"])
        var report = try doctor(emulator)
        XCTAssertEqual(report.status, 1)
        XCTAssertEqual(report.brokenLinks, ["wi-binding"], report.text)
        XCTAssertTrue(report.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:") && $0["status"] as? String == "broken" })
        try repair(emulator, report.fix("wi-binding"))

        // The annotation misspelt.
        try run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-account-", "--context", context])
        try run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-acount=\(email)", "--context", context])
        report = try doctor(emulator, ["--no-exec"])
        XCTAssertEqual(report.brokenLinks, ["annotation"], report.text)
        XCTAssertTrue(report.evidence("annotation").contains("misspelt"), report.evidence("annotation"))
        try repair(emulator, report.fix("annotation"))

        // A worker group whose nodeSelector key is misspelt.
        let group = #"{"groupName":"cpu","replicas":0,"minReplicas":0,"maxReplicas":1,"rayStartParams":{},"template":{"spec":{"serviceAccountName":"my-ksa","nodeSelector":{"iam.gke.io/gke-metadata-server-enable":"true"},"containers":[{"name":"ray-worker","image":"rayproject/ray:2.52.0"}]}}}"#
        try run(emulator, "kubectl", ["patch", "rayclusters.ray.io", "raycluster-mini", "--type", "json", "-p",
                                      #"[{"op":"add","path":"/spec/workerGroupSpecs/-","value":"# + group + "}]", "--context", context])
        report = try doctor(emulator, ["--no-exec"])
        XCTAssertEqual(report.brokenLinks, ["raycluster"], report.text)
        XCTAssertTrue(report.evidence("raycluster").contains("worker group cpu:"), report.evidence("raycluster"))
        try repair(emulator, report.fix("raycluster"))

        // Workload Identity turned off on the cluster.
        try run(emulator, "gcloud", ["container", "clusters", "update", "cloud-bucket-cluster", "--project", project, "--location", "us-west1-b",
                                     "--disable-workload-identity"])
        report = try doctor(emulator)
        XCTAssertEqual(report.brokenLinks, ["workload-pool"], report.text)
        XCTAssertTrue(report.checks.contains { ($0["evidence"] as? [String] ?? []).contains { $0.contains("-compute@developer.gserviceaccount.com") } },
                      "the pod acts as the node's account: \(report.text)")
        try repair(emulator, report.fix("workload-pool"))

        // The node pool back on the node's metadata (as a pool made before Workload Identity is).
        try emulator.seed(["strict_node_pools": true])
        try run(emulator, "gcloud", ["container", "node-pools", "update", "default-pool", "--cluster", "cloud-bucket-cluster", "--project", project,
                                     "--location", "us-west1-b", "--workload-metadata", "GCE_METADATA"])
        report = try doctor(emulator, ["--no-exec"])
        XCTAssertEqual(report.brokenLinks, ["node-pools"], report.text)
        try repair(emulator, report.fix("node-pools"))

        // The KSA deleted and made again: the running head pod started before it.
        try run(emulator, "kubectl", ["delete", "serviceaccount", "my-ksa", "--context", context])
        Thread.sleep(forTimeInterval: 1.1)
        try run(emulator, "kubectl", ["create", "serviceaccount", "my-ksa", "--context", context])
        try run(emulator, "kubectl", ["annotate", "serviceaccount", "my-ksa", "iam.gke.io/gcp-service-account=\(email)", "--context", context])
        report = try doctor(emulator)
        XCTAssertEqual(report.brokenLinks, ["pods"], report.text)
        XCTAssertTrue(report.evidence("pods").contains("before the KSA was created"), report.evidence("pods"))
        try repair(emulator, report.fix("pods"))

        // A role too narrow: objectViewer instead of objectUser.
        try run(emulator, "gcloud", ["storage", "buckets", "remove-iam-policy-binding", "gs://my-bucket", "--member", "serviceAccount:\(email)",
                                     "--role", "roles/storage.objectUser"])
        try run(emulator, "gcloud", ["storage", "buckets", "add-iam-policy-binding", "gs://my-bucket", "--member", "serviceAccount:\(email)",
                                     "--role", "roles/storage.objectViewer"])
        report = try doctor(emulator)
        XCTAssertEqual(report.brokenLinks, ["bucket-role"], report.text)
        XCTAssertTrue(report.evidence("bucket-role").contains("missing storage.objects.create"), report.evidence("bucket-role"))
        try repair(emulator, report.fix("bucket-role"))

        // Token auth taken off the RayCluster: flagged with the patch that puts it back and a restart of the pods, which
        // the operator starts again with the token (the Secret it made stays).
        try run(emulator, "kubectl", ["patch", "rayclusters.ray.io", "raycluster-mini", "--type", "json", "-p",
                                      #"[{"op":"remove","path":"/spec/authOptions"}]"#, "--context", context])
        report = try doctor(emulator, ["--no-exec"])
        XCTAssertEqual(report.brokenLinks, ["ray-auth"], report.text)
        XCTAssertTrue(report.evidence("ray-auth").contains("no spec.authOptions"), report.evidence("ray-auth"))
        try repair(emulator, report.fix("ray-auth"))
        report = try doctor(emulator, ["--no-exec"])
        XCTAssertEqual(report.check("ray-auth")?["status"] as? String, "ok", report.text)
        XCTAssertEqual(report.check("auth-secret")?["status"] as? String, "ok", report.text)

        // The metadata server not answering: asked again, then reported; a slow start within the tries is healthy.
        Thread.sleep(forTimeInterval: 1.5)
        let metadataPath = "/computeMetadata/v1/instance/service-accounts/default/email"
        try emulator.addFaults(["rules": [["method": "GET", "path_regex": metadataPath, "status": 503, "times": 2]]])
        report = try doctor(emulator)
        XCTAssertEqual(report.status, 0, "two failed tries of five are waited out: \(report.text)")
        // Five failures for every Ray pod: the pods are asked at once, so fewer would leave some pod answered.
        let podCount = report.checks.filter { ($0["id"] as? String ?? "").hasPrefix("pod:") }.count
        XCTAssertGreaterThanOrEqual(podCount, 2, "the head and the workers are checked: \(report.text)")
        try emulator.addFaults(["rules": [["method": "GET", "path_regex": metadataPath, "status": 503, "times": 5 * podCount]]])
        report = try doctor(emulator)
        XCTAssertEqual(report.status, 1)
        XCTAssertEqual(report.brokenLinks, [], report.text)
        let pods = report.checks.filter { ($0["id"] as? String ?? "").hasPrefix("pod:") }
        XCTAssertEqual(pods.count, podCount)
        for pod in pods {
            XCTAssertTrue(((pod["evidence"] as? [String]) ?? []).joined().contains("did not answer after 5 tries"), "\(pod)")
        }

        // A bucket of another project, which grants the pods nothing.
        try emulator.seed(["projects": [["projectId": "other-project", "projectNumber": "999999999999"]],
                           "buckets": [["name": "their-bucket", "project": "other-project"]]])
        report = try doctor(emulator, ["--no-exec", "--set", "bucket.name=their-bucket"])
        XCTAssertEqual(report.brokenLinks, ["bucket"], report.text)
        XCTAssertTrue(report.evidence("bucket").contains("belongs to project number 999999999999"), report.evidence("bucket"))

        let final = try doctor(emulator)
        XCTAssertEqual(final.status, 0, "after every repair: \(final.text)")
        print(String(format: "DoctorEndToEndTests: %d doctor runs in %.0f s", doctorRuns, Date().timeIntervalSince(started)))
        userConfig.assertUntouched()
    }

    /// Direct mode in its own namespace: healthy after apply; a principal naming the project ID instead of its
    /// number is found as the principal link, and the grant doctor prints (the number filled in) repairs it.
    func testDirectModePrincipalWithTheProjectIDIsFoundAndRepaired() throws {
        let tools = try EndToEndTools.require()
        let emulator = try emulators.start(in: try TestPaths.temporaryFolder(self, "e2e-doctor-direct"), tools: tools)
        let applied = try emulator.apply(["project=demo-project", "bucket.name=my-bucket", "identity.mode=direct", "identity.namespace=ray"])
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        let healthy = try doctor(emulator)
        XCTAssertEqual(healthy.status, 0, healthy.text)

        let pool = "demo-project.svc.id.goog"
        let right = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/\(pool)/subject/ns/ray/sa/my-ksa"
        let wrong = right.replacingOccurrences(of: "projects/123456789012", with: "projects/demo-project")
        try run(emulator, "gcloud", ["storage", "buckets", "remove-iam-policy-binding", "gs://my-bucket", "--member", right,
                                     "--role", "roles/storage.objectUser"])
        try run(emulator, "gcloud", ["storage", "buckets", "add-iam-policy-binding", "gs://my-bucket", "--member", wrong,
                                     "--role", "roles/storage.objectUser"])
        let report = try doctor(emulator)
        XCTAssertEqual(report.status, 1)
        XCTAssertEqual(report.brokenLinks, ["principal"], report.text)
        XCTAssertTrue(report.evidence("principal").contains("it must be the number, not the ID"), report.evidence("principal"))
        XCTAssertTrue(report.checks.contains { ($0["id"] as? String ?? "").hasPrefix("pod:") && $0["status"] as? String == "broken" },
                      "the pod is refused the write: \(report.text)")
        XCTAssertEqual(report.fix("principal").first?.contains(right), true, "\(report.fix("principal"))")
        try repair(emulator, report.fix("principal"))
        let repaired = try doctor(emulator)
        XCTAssertEqual(repaired.status, 0, repaired.text)
    }
}
