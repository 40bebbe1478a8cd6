import Foundation
import TestKit
import Testing

/// Preflight with the real gcloud against the emulator: each ✗ kind stops `apply --yes` at the run's gate, after the
/// API enablement (which costs nothing) and before anything is created (no other mutating request in the emulator's
/// log), and the same answers go through once the cause is gone; fixed answers start over in the same workspace.
@Suite struct PreflightEndToEndTests {
    /// Request kinds that change something (see Tests/Emulator/README.md).
    private static let mutatingPrefixes = ["create-", "set-", "update-", "patch-", "delete-", "enable-"]

    private func changes(_ log: [EmulatorLogEntry]) -> [String] {
        log.filter { entry in Self.mutatingPrefixes.contains { entry.kind.hasPrefix($0) } }.map { "\($0.kind) \($0.method) \($0.path)" }
    }

    /// The changes but the API enablement the run makes before its gate.
    private func creations(_ log: [EmulatorLogEntry]) -> [String] {
        changes(log).filter { !$0.hasPrefix("enable-service") }
    }

    /// The default answers with an L4 group that keeps one pod running.
    private static let gpuSets = ["project=demo-project", "bucket.name=my-bucket", "ray.workers[0].gpu.type=nvidia-l4",
                                  "ray.workers[0].minReplicas=1", "ray.workers[0].maxReplicas=2"]

    /// A new project's GPU quota is 0, and its Compute Engine API is off: the quotas cannot be read as the run starts,
    /// so the run enables the APIs (which costs nothing), reads again at its gate and stops there, naming the quota
    /// metric and region, before anything is created. With the quota granted the same command goes through, and the
    /// journal says preflight passed.
    @Test func testGPUQuotaZeroStopsApplyThenTheSameAnswersGoThroughOnceGranted() async throws {
        let emulator = try await EmulatorHarness.start("e2e-preflight-quota")
        defer { emulator.stop() }
        try await emulator.seed(["quotas": ["preset": "new-project"]])

        let stopped = try await emulator.apply(Self.gpuSets + ["zone=us-west1-a"])
        #expect(stopped.status == 1, "\(stopped.stdout + stopped.stderr)")
        for text in ["✗ GPU quota in us-west1", "NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 2",
                     "GPUS_ALL_REGIONS (all regions): 0 free (limit 0, used 0); the plan needs 1 to 2",
                     "Request more NVIDIA_L4_GPUS in us-west1", "--set ray.workers[0].minReplicas=0",
                     "Preflight stops the run: GPU quota in us-west1. Nothing was created."] {
            #expect(stopped.stdout.contains(text), "\(text)\n\(stopped.stdout)")
        }
        #expect(!(stopped.stdout.contains("Create the GKE Standard cluster ...")), "the run stopped before the cluster:\n\(stopped.stdout)")
        #expect(creations(try await emulator.log()) == [], "only the APIs were enabled")
        let stoppedJournal = try String(contentsOf: emulator.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        #expect(stoppedJournal.contains(#""preflight" : "stopped""#), "\(stoppedJournal)")

        try await emulator.seed(["quotas": ["regions": ["us-west1": ["NVIDIA_L4_GPUS": 4]], "global": ["GPUS_ALL_REGIONS": 4]]])
        let passed = try await emulator.apply(Self.gpuSets + ["zone=us-west1-a"])
        #expect(passed.status == 0, "\(passed.stdout + passed.stderr)")
        #expect(passed.stdout.contains("✓ GPU quota in us-west1"), "\(passed.stdout)")
        #expect(passed.stdout.contains("Preflight passed"), "\(passed.stdout)")
        #expect(passed.stdout.contains("on every Ray node: head ok"), "\(passed.stdout)")
        let journal = try String(contentsOf: emulator.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        #expect(journal.contains(#""preflight" : "passed""#), "\(journal)")
    }

    /// What only warns, read by the real gcloud: an account holding roles/viewer (the grants that fix it), an
    /// organisation policy limiting members to one domain, billing the account may not read (a ! naming the command,
    /// never a ✗): `preflight` exits 0. Then a ✗ of its own: the nodes of n2-standard-32 against a new project's 24
    /// N2 vCPUs stop `apply` before anything is sent that changes something.
    @Test func testWarningsNeverStopAndTheCPUQuotaDoes() async throws {
        let emulator = try await EmulatorHarness.start("e2e-preflight-warnings")
        defer { emulator.stop() }
        try await emulator.seed([
            "account_roles": ["roles/viewer"],
            "org_policies": ["iam.allowedPolicyMemberDomains": ["allowedValues": ["C0abc123"]]],
            "billing_readable": false,
            "enabled_services": ["container.googleapis.com", "compute.googleapis.com"],
        ])
        let warned = try await emulator.wizard(["preflight", "--set", "project=demo-project", "--set", "bucket.name=my-bucket"])
        #expect(warned.status == 0, "\(warned.stdout + warned.stderr)")
        for text in ["! Billing", "could not read: gcloud billing projects describe demo-project --format json",
                     "If billing is off, enabling the APIs (the run's first change) fails and says so.",
                     "! Your roles on the project", "tester@example.com holds roles/viewer",
                     "to create the cluster (container.clusters.create): none of roles/owner, roles/editor, roles/container.admin",
                     "fix: gcloud projects add-iam-policy-binding demo-project --member user:tester@example.com --role roles/serviceusage.serviceUsageAdmin",
                     "then: gcloud projects add-iam-policy-binding demo-project --member user:tester@example.com --role roles/container.admin",
                     "! Organisation policies on the Workload Identity member",
                     "iam.allowedPolicyMemberDomains allows members of C0abc123 only",
                     "Preflight passed: "] {
            #expect(warned.stdout.contains(text), "\(text)\n\(warned.stdout)")
        }
        #expect(!warned.stdout.contains("✗"), "\(warned.stdout)")

        try await emulator.seed(["account_roles": ["roles/owner"], "billing_readable": true, "quotas": ["preset": "new-project"]])
        let stopped = try await emulator.apply(["project=demo-project", "bucket.name=my-bucket", "cluster.machineType=n2-standard-32"])
        #expect(stopped.status == 1, "\(stopped.stdout + stopped.stderr)")
        for text in ["✗ CPU quota in us-west1", "N2_CPUS in us-west1: 24 free (limit 24, used 0); the plan needs 32",
                     "Request more N2_CPUS in us-west1", "Preflight stops the run: CPU quota in us-west1. Nothing was created."] {
            #expect(stopped.stdout.contains(text), "\(text)\n\(stopped.stdout)")
        }
        #expect(creations(try await emulator.log()) == [], "something was created before the gate")
    }

    /// Every other ✗ kind in one project: billing off, a cluster name taken, a bucket name another project owns, a GPU
    /// type and a machine type the zone lacks; then an existing cluster answered wrongly and a bucket to reuse that
    /// is not there. Each apply stops before anything is created (`apply` that asks first: before the question, with
    /// nothing sent); `preflight --output json` gives one event per check; `--skip-preflight` is on record in the
    /// journal, in the workspace of the first stop, which the new answers start over in.
    @Test func testEachStopKindStopsApplyWithNothingChanged() async throws {
        let emulator = try await EmulatorHarness.start("e2e-preflight-kinds")
        defer { emulator.stop() }
        try await emulator.seed([
            "billing_enabled": false,
            "taken_bucket_names": ["taken-bucket"],
            "clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b"],
                         ["name": "autopilot-cluster", "location": "us-west1", "autopilot": true]],
            "missing_accelerators": ["us-west1-b": ["nvidia-l4"]],
            // The APIs are on (as in a project used before): every check reads at the first try.
            "enabled_services": ["container.googleapis.com", "compute.googleapis.com"],
        ])

        let created = try await emulator.apply(Self.gpuSets.filter { !$0.hasPrefix("bucket.name") } + ["bucket.name=taken-bucket"])
        #expect(created.status == 1, "\(created.stdout + created.stderr)")
        for text in ["✗ Billing", "demo-project: billingEnabled is false", "gcloud billing projects link demo-project --billing-account ACCOUNT_ID",
                     "✗ Cluster name cloud-bucket-cluster in us-west1-b", "a cluster cloud-bucket-cluster already exists in us-west1-b",
                     "✗ Bucket name gs://taken-bucket", "--set bucket.name=demo-project-taken-bucket",
                     "✗ GPU types in us-west1-b", "Zones of us-west1 that offer nvidia-l4: us-west1-a, us-west1-c; --set zone=us-west1-a",
                     "✗ Machine types in us-west1-b", "g2-standard-8: not offered in us-west1-b",
                     "Preflight stops the run: Billing (and 4 more). Nothing was created."] {
            #expect(created.stdout.contains(text), "\(text)\n\(created.stdout)")
        }

        let existing = try await emulator.wizard(["apply", "--yes", "--workspace", emulator.root.appendingPathComponent("ws-existing").path,
                                            "--set", "project=demo-project", "--set", "bucket.name=missing-bucket", "--set", "bucket.create=false",
                                            "--set", "cluster.mode=existing", "--set", "cluster.name=autopilot-cluster",
                                            "--set", "cluster.location=us-west1"])
        #expect(existing.status == 1, "\(existing.stdout + existing.stderr)")
        for text in ["✗ Existing Standard cluster autopilot-cluster in us-west1", "Answer what it is: --set cluster.autopilot=true",
                     "✗ Existing bucket gs://missing-bucket", "Let the run create it: --set bucket.create=true"] {
            #expect(existing.stdout.contains(text), "\(text)\n\(existing.stdout)")
        }
        #expect(creations(try await emulator.log()) == [], "something was created before the gate")

        // Asking first (a terminal, no --yes), apply shows the checks before the question and stops there: nothing is
        // enabled or written.
        let enabledBefore = changes(try await emulator.log()).count
        let asking = emulator.root.appendingPathComponent("ws-asking")
        try await DedicatedThread.run {
            let program = try PTYProgram([try TestPaths.wizard.path, "apply", "--workspace", asking.path, "--set", "project=demo-project",
                                          "--set", "bucket.name=taken-bucket"], environment: emulator.environment)
            #expect(try program.waitForExit(timeout: 300) == 1, "\(program.text)")
            for text in ["Preflight (read-only: nothing is created until it passes):", "✗ Billing",
                         "Preflight stops the run: Billing (and 2 more). Nothing was created."] {
                #expect(program.text.contains(text), "\(text)\n\(program.text)")
            }
            #expect(!program.text.contains("Proceed?"), "\(program.text)")
        }
        #expect(!FileManager.default.fileExists(atPath: asking.appendingPathComponent("state.json").path))
        #expect(changes(try await emulator.log()).count == enabledBefore, "nothing sent before the question")

        // The checks alone, as JSON lines: one event per check, then the verdict.
        let json = try await emulator.wizard(["preflight", "--output", "json", "--set", "project=demo-project", "--set", "bucket.name=taken-bucket"])
        #expect(json.status == 1, "\(json.stdout + json.stderr)")
        let events = json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.count == json.stdout.split(separator: "\n").count, "every line is one JSON event:\n\(json.stdout)")
        let checks = events.filter { $0["event"] as? String == "preflight-check" }
        #expect(checks.compactMap { $0["id"] as? String } == ["billing", "roles", "cluster-name", "bucket-name", "machine-types", "cpu-quota", "org-policy"])
        #expect(checks.first?["status"] as? String == "broken")
        let verdict = try #require(events.last)
        #expect(verdict["event"] as? String == "preflight-finished")
        #expect(verdict["passed"] as? Bool == false)
        #expect(verdict["broken"] as? [String] == ["billing", "cluster-name", "bucket-name"])
        #expect(creations(try await emulator.log()) == [])

        // Skipped, the run goes on to the cloud's own refusal (billing), and the journal says preflight was skipped.
        let skipped = try await emulator.apply(["project=demo-project", "bucket.name=free-bucket", "cluster.name=another-cluster"],
                                         extra: ["--skip-preflight"])
        #expect(skipped.status == 1, "\(skipped.stdout + skipped.stderr)")
        #expect(!(skipped.stdout.contains("Preflight")), "\(skipped.stdout)")
        let journal = try String(contentsOf: emulator.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        #expect(journal.contains(#""preflight" : "skipped""#), "\(journal)")
    }
}
