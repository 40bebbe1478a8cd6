import Foundation
import TestKit
import Testing

/// `submit` with the real gcloud and kubectl against the emulator, on one default `apply` shared by every case: a job
/// writes an object to the bucket from inside the cluster (its driver on the head, as the KSA) and exits 0; a job on a
/// head that lost the KSA gets Cloud Storage's 403, named in KubeRay's message, and exits 1; `--no-wait`, `--output
/// json` and the realistic profile's statuses; the workspace's example RayJobs as they are (and the own-cluster one
/// without its head's KSA, refused); and the inputs that submit nothing (no command, no finished setup, the
/// RayCluster gone) exit 2 saying what is missing and the command that fixes it.
@Suite struct SubmitEndToEndTests {
    /// A job that writes `name` to the bucket as the pod it runs in, with the standard library, where Google's client
    /// libraries look (the metadata server, Cloud Storage's JSON API); Cloud Storage's refusal goes to the log.
    private func writer(_ name: String, text: String) -> [String] {
        let code = """
            import json, os, sys, urllib.error, urllib.request as r
            host = os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
            storage = os.environ.get("STORAGE_EMULATOR_HOST", "https://storage.googleapis.com")
            meta = r.Request("http://%s/computeMetadata/v1/instance/service-accounts/default/token" % host, headers={"Metadata-Flavor": "Google"})
            token = json.load(r.urlopen(meta))["access_token"]
            up = r.Request(storage + "/upload/storage/v1/b/my-bucket/o?uploadType=media&name=\(name)", data=sys.argv[1].encode(), headers={"Authorization": "Bearer " + token})
            try:
                r.urlopen(up)
            except urllib.error.HTTPError as e:
                sys.exit("upload of gs://my-bucket/\(name): HTTP %d: %s" % (e.code, json.load(e)["error"]["message"]))
            print("wrote gs://my-bucket/\(name)")
            """
        return ["python", "-c", code, text]
    }

    private func objects(_ emulator: EmulatorHarness) async throws -> [String: String] {
        let state = try #require(try JSONSerialization.jsonObject(with: await emulator.control("GET", "state")) as? [String: Any])
        let buckets = try #require(state["buckets"] as? [String: Any])
        let bucket = try #require(buckets["my-bucket"] as? [String: Any])
        return bucket["objects"] as? [String: String] ?? [:]
    }

    /// A RayJob on the wizard's RayCluster with a submitter of its own: as the KSA or not, with the token or not.
    private func submitterJob(_ name: String, entrypoint: [String], ksa: Bool, token: Bool) -> [String: Any] {
        var pod: [String: Any] = ["restartPolicy": "Never", "nodeSelector": ["iam.gke.io/gke-metadata-server-enabled": "true"]]
        if ksa { pod["serviceAccountName"] = "my-ksa" }
        let env: [[String: Any]] = token ? [["name": "RAY_AUTH_MODE", "value": "token"],
                                            ["name": "RAY_AUTH_TOKEN", "valueFrom": ["secretKeyRef": ["name": "raycluster-mini", "key": "auth_token"]]]] : []
        pod["containers"] = [["name": "ray-job-submitter", "image": "rayproject/ray:2.60.0", "env": env]]
        let quoted = entrypoint.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        return ["apiVersion": "ray.io/v1", "kind": "RayJob", "metadata": ["name": name, "namespace": "ray"],
                "spec": ["entrypoint": quoted, "clusterSelector": ["ray.io/cluster": "raycluster-mini"],
                         "submitterPodTemplate": ["spec": pod]]]
    }

    /// The RayJob's `jobDeploymentStatus`, `reason`, `rayClusterName` and `message` once it has ended (60 s at most).
    private func ended(_ emulator: EmulatorHarness, _ job: String, context: String) async throws -> [String] {
        let format = #"jsonpath={.status.jobDeploymentStatus}{"\t"}{.status.reason}{"\t"}{.status.rayClusterName}{"\t"}{.status.message}"#
        let deadline = Date().addingTimeInterval(60)
        while true {
            let read = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "get", "rayjob", job, "-o", format])
            let fields = read.stdout.components(separatedBy: "\t")
            if ["Complete", "Failed"].contains(fields.first ?? "") || Date() > deadline { return fields }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    @Test func testSubmitRunsAJobAsTheKSAAndSaysWhyOneFails() async throws {
        let emulator = try await EmulatorHarness.start("e2e-submit")
        defer { emulator.stop() }
        let workspace = emulator.workspace.path
        let context = "gke_demo-project_us-west1-b_cloud-bucket-cluster"

        // Nothing to submit to before a setup.
        let noSetup = try await emulator.wizard(["submit", "--workspace", workspace, "--", "true"])
        #expect(noSetup.status == 2)
        #expect(noSetup.stderr.contains("no setup in \(workspace) (no state.json)"), "\(noSetup.stderr)")
        #expect(noSetup.stderr.contains("kuberay-gcs-wizard apply --workspace \(workspace)"), "\(noSetup.stderr)")

        // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination.
        let applied = try await emulator.applyForSetup(["project=demo-project", "bucket.name=my-bucket", "identity.namespace=ray"])
        #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")

        // The text "quoted 'like' this" arrives as one argument, as given.
        let text = #"written by a "RayJob" that's $HOME-proof"#
        let run = try await emulator.wizard(["submit", "--workspace", workspace, "--"] + writer("from-job.txt", text: text))
        #expect(run.status == 0, "\(run.stdout + run.stderr)")
        #expect(run.stdout.contains("  | wrote gs://my-bucket/from-job.txt"), "the job's output, live: \(run.stdout)")
        #expect(run.stdout.contains("status: Complete, job SUCCEEDED"), "\(run.stdout)")
        #expect(run.stdout.hasSuffix("Succeeded.\n"), "\(run.stdout)")
        #expect(try await objects(emulator)["from-job.txt"] == text, "the object the job wrote from inside the cluster")
        let log = try await emulator.log()
        #expect(log.contains { $0.server == "pod" && $0.kind == "object-write" && $0.status == 200 })

        // The RayJob it wrote: the clusterSelector form, the submitter as the KSA with the cluster's token.
        let files = try FileManager.default.contentsOfDirectory(atPath: emulator.workspace.appendingPathComponent("jobs").path)
        #expect(files.count == 1 && files[0].hasPrefix("raycluster-mini-job-") && files[0].hasSuffix(".yaml"), "\(files)")
        let yaml = try String(contentsOf: emulator.workspace.appendingPathComponent("jobs/" + files[0]), encoding: .utf8)
        #expect(yaml.contains("clusterSelector:\n    ray.io/cluster: raycluster-mini"), "\(yaml)")
        #expect(yaml.contains("serviceAccountName: my-ksa"), "\(yaml)")
        #expect(yaml.contains("name: RAY_AUTH_TOKEN"), "\(yaml)")

        // --output json: one JSON object a line, the job's output among them, the result last.
        let json = try await emulator.wizard(["submit", "--workspace", workspace, "--output", "json", "--"] + writer("json.txt", text: "j"))
        #expect(json.status == 0, "\(json.stdout + json.stderr)")
        let events = json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.count == json.stdout.split(separator: "\n").count, "every line is a JSON object: \(json.stdout)")
        #expect(events.map { $0["event"] as? String ?? "" }.prefix(2) == ["job-written", "job-applied"], "\(json.stdout)")
        #expect(events.contains { $0["event"] as? String == "job-output" && $0["line"] as? String == "wrote gs://my-bucket/json.txt" })
        #expect(events.last?["event"] as? String == "job-finished" && events.last?["result"] as? String == "succeeded", "\(json.stdout)")

        // With the realistic profile the statuses come one by one, as KubeRay writes them, the log live in between;
        // KubeRay's requeue and Ray's job start are stretched to 5 and 3 s so that a 1 s poll sees each state: the
        // first read follows the job's kubectl apply, which can take seconds on two cores shared with other tests.
        try await emulator.seed(["profile": ["profile": "realistic", "time_scale": 0.05,
                                             "durations": ["rayjob_requeue": 100, "ray_job_start": 60]]])
        let slow = try await emulator.wizard(["submit", "--workspace", workspace, "--", "python", "-c", "import time; time.sleep(3); print('slow')"])
        try await emulator.seed(["profile": ["profile": "instant"]])
        #expect(slow.status == 0, "\(slow.stdout + slow.stderr)")
        let statuses = slow.stdout.split(separator: "\n").filter { $0.hasPrefix("  status: ") }.map { String($0.dropFirst(10)) }
        #expect(statuses == ["Initializing", "Running", "Running, job PENDING", "Running, job RUNNING", "Complete, job SUCCEEDED"],
                "\(slow.stdout)")
        #expect(slow.stdout.contains("  | slow\n"), "\(slow.stdout)")

        // Code copied to the bucket as the README shows, on a setup without the mount: the path does not exist on the
        // head, so Python says so and the job fails.
        try BucketMountEndToEndTests.writeTrainScript(in: emulator.root)
        let synced = try await emulator.run("gcloud", BucketMountEndToEndTests.copyCode(bucket: "my-bucket"))
        #expect(synced.status == 0, "\(synced.stdout + synced.stderr)")
        let unmounted = try await emulator.wizard(["submit", "--workspace", workspace, "--"] + BucketMountEndToEndTests.trainCommand)
        #expect(unmounted.status == 1, "\(unmounted.stdout + unmounted.stderr)")
        #expect(unmounted.stdout.contains("Failed (AppFailed):\n  Job entrypoint command failed with exit code 2"), "\(unmounted.stdout)")
        #expect(unmounted.stdout.contains("can't open file '/mnt/cluster_storage/code/train.py': [Errno 2] No such file or directory"),
                "\(unmounted.stdout)")

        // The workspace's example RayJobs run as they are: the one on the wizard's cluster, and the one that brings its
        // own cluster NAME-xxxxx (the operator sets that cluster's token on its submitter).
        for file in ["rayjob.yaml", "rayjob-own-cluster.yaml"] {
            let path = emulator.workspace.appendingPathComponent(file).path
            let example = try await emulator.run("kubectl", ["--context", context, "apply", "-f", path])
            #expect(example.status == 0, "\(example.stderr)")
        }
        #expect(try await ended(emulator, "raycluster-mini-job", context: context).prefix(3) == ["Complete", "", "raycluster-mini"])
        let own = try await ended(emulator, "raycluster-mini-own-job", context: context)
        #expect(own.first == "Complete", "\(own)")
        #expect((own.count > 2 ? own[2] : "").wholeMatch(of: #/raycluster-mini-own-job-[a-z0-9]{5}/#) != nil, "\(own)")
        #expect(try await objects(emulator)["rayjob-example.txt"]?.hasPrefix("written by a RayJob on ") == true)

        // The submitter's own identity does not reach the job (Ray runs the driver on the head): a submitter as the
        // namespace's default KSA submits a job that writes as the head's KSA. A submitter without the token gets it
        // from the operator, as the cluster has authOptions (the manual form's cluster would refuse it with a 401).
        for (name, ksa, token) in [("submitter-as-default", false, true), ("submitter-without-token", true, false)] {
            let file = emulator.root.appendingPathComponent(name + ".json")
            let job = submitterJob(name, entrypoint: writer(name + ".txt", text: name), ksa: ksa, token: token)
            try JSONSerialization.data(withJSONObject: job).write(to: file)
            let created = try await emulator.run("kubectl", ["--context", context, "apply", "-f", file.path])
            #expect(created.status == 0, "\(created.stderr)")
        }
        let asDefault = try await ended(emulator, "submitter-as-default", context: context)
        #expect(asDefault.first == "Complete", "\(asDefault)")
        #expect(try await objects(emulator)["submitter-as-default.txt"] == "submitter-as-default")
        let account = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "get", "pods", "-l",
                                                         "batch.kubernetes.io/job-name=submitter-as-default",
                                                         "-o", "jsonpath={.items[0].spec.serviceAccountName}"])
        #expect(account.stdout == "default")
        let noToken = try await ended(emulator, "submitter-without-token", context: context)
        #expect(noToken.first == "Complete", "\(noToken)")
        let injected = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "get", "pods", "-l",
                                                          "batch.kubernetes.io/job-name=submitter-without-token",
                                                          "-o", "jsonpath={.items[0].spec.containers[0].env[1].valueFrom.secretKeyRef.name}"])
        #expect(injected.stdout == "raycluster-mini", "the operator's RAY_AUTH_TOKEN: \(injected.stdout)")

        // The same own-cluster job with its head's KSA left out: that cluster's driver is refused by Cloud Storage.
        let template = try String(contentsOf: emulator.workspace.appendingPathComponent("rayjob-own-cluster.yaml"), encoding: .utf8)
        let headKSA = try #require(template.firstMatch(of: #/\n *serviceAccountName: my-ksa/#))
        let withoutKSA = template.replacingCharacters(in: headKSA.range, with: "")
            .replacingOccurrences(of: "name: raycluster-mini-own-job\n", with: "name: own-job-without-ksa\n")
        let edited = emulator.root.appendingPathComponent("own-job-without-ksa.yaml")
        try withoutKSA.write(to: edited, atomically: true, encoding: .utf8)
        #expect(try await emulator.run("kubectl", ["--context", context, "apply", "-f", edited.path]).status == 0)
        let lost = try await ended(emulator, "own-job-without-ksa", context: context)
        #expect(lost.first == "Failed" && lost.count > 3 && lost[1] == "AppFailed", "\(lost)")
        #expect(lost.last?.contains("urllib.error.HTTPError: HTTP Error 403: Forbidden") == true, "\(lost)")

        // --no-wait: the name and how to follow it.
        let detached = try await emulator.wizard(["submit", "--workspace", workspace, "--no-wait", "--", "true"])
        #expect(detached.status == 0, "\(detached.stdout + detached.stderr)")
        #expect(detached.stdout.contains("not waiting for it. Follow it with:"), "\(detached.stdout)")
        #expect(detached.stdout.contains("kubectl logs --follow -l batch.kubernetes.io/job-name=raycluster-mini-job-"), "\(detached.stdout)")
        #expect(detached.stdout.contains("--context \(context)"), "\(detached.stdout)")

        // No command: usage.
        let empty = try await emulator.wizard(["submit", "--workspace", workspace])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no command to run: give the command to run after `--`, e.g. "
            + "kuberay-gcs-wizard submit --workspace \(workspace) -- python train.py"), "the workspace's own command: \(empty.stderr)")

        // A setup that did not finish.
        let unfinished = emulator.root.appendingPathComponent("unfinished")
        try FileManager.default.createDirectory(at: unfinished, withIntermediateDirectories: true)
        let journal = try String(contentsOf: emulator.workspace.appendingPathComponent("state.json"), encoding: .utf8)
        try journal.replacingOccurrences(of: #""result" : "succeeded""#, with: #""result" : "failed""#)
            .replacingOccurrences(of: #""result":"succeeded""#, with: #""result":"failed""#)
            .write(to: unfinished.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        let notDone = try await emulator.wizard(["submit", "--workspace", unfinished.path, "--", "true"])
        #expect(notDone.status == 2)
        #expect(notDone.stderr.contains("has not finished (its last run failed); finish it with kuberay-gcs-wizard resume --workspace"),
                "\(notDone.stderr)")

        // The head loses the KSA (its template edited, the pod made again): the job's driver there runs as the
        // namespace's default KSA and Cloud Storage refuses the write; KubeRay's message carries the log's end.
        let removed = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "patch", "raycluster", "raycluster-mini", "--type", "json",
                                                         "-p", #"[{"op":"remove","path":"/spec/headGroupSpec/template/spec/serviceAccountName"}]"#])
        #expect(removed.status == 0, "\(removed.stderr)")
        let deleted = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "delete", "pod", "-l", "ray.io/node-type=head"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let refused = try await emulator.wizard(["submit", "--workspace", workspace, "--"] + writer("refused.txt", text: "no"))
        #expect(refused.status == 1, "\(refused.stdout + refused.stderr)")
        let denial = "upload of gs://my-bucket/refused.txt: HTTP 403: principal://iam.googleapis.com/projects/123456789012/locations/global/"
            + "workloadIdentityPools/demo-project.svc.id.goog/subject/ns/ray/sa/default does not have storage.objects.create access "
            + "to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist)."
        #expect(refused.stdout.contains("Failed (AppFailed):\n  Job entrypoint command failed with exit code 1"), "\(refused.stdout)")
        #expect(refused.stdout.contains("  " + denial), "the 403, named: \(refused.stdout)")
        #expect(try await objects(emulator)["refused.txt"] == nil)

        // The KSA is gone: the submitter's pod cannot be made. submit says why (its Job's Event) and, at Ctrl-C,
        // exits 130 with the commands that follow the RayJob, which stays.
        let noKSA = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "delete", "serviceaccount", "my-ksa"])
        #expect(noKSA.status == 0, "\(noKSA.stderr)")
        let stuck = try await emulator.wizard(["submit", "--workspace", workspace, "--", "true"], timeout: 15)
        #expect(stuck.status == 130, "\(stuck.stdout + stuck.stderr)")
        #expect(stuck.stdout.contains(#"  submitter: FailedCreate: Error creating: pods "raycluster-mini-job-"#), "\(stuck.stdout)")
        #expect(stuck.stdout.contains(#"is forbidden: error looking up service account ray/my-ksa: serviceaccount "my-ksa" not found"#),
                "\(stuck.stdout)")
        #expect(stuck.stdout.contains("Stopped following; the RayJob runs on. Follow it with:\n  kubectl logs --follow -l"), "\(stuck.stdout)")

        // A RayJob deleted while it is followed ends the wait: there is nothing left to wait for.
        let listJobs = ["--context", context, "-n", "ray", "get", "rayjobs", "-o", "jsonpath={.items[*].metadata.name}"]
        let known = Set(try await emulator.run("kubectl", listJobs).stdout.split(separator: " ").map(String.init))
        async let followed = emulator.wizard(["submit", "--workspace", workspace, "--", "true"], timeout: 60)
        var added: String?
        for _ in 0..<60 where added == nil {
            try await Task.sleep(for: .milliseconds(500))
            added = try await emulator.run("kubectl", listJobs).stdout.split(separator: " ").map(String.init).first { !known.contains($0) }
        }
        let newJob = try #require(added)
        #expect(try await emulator.run("kubectl", ["--context", context, "-n", "ray", "delete", "rayjob", newJob]).status == 0)
        let vanished = try await followed
        #expect(vanished.status == 1, "\(vanished.stdout + vanished.stderr)")
        #expect(vanished.stdout.contains("Failed (NotFound):\n  the RayJob \(newJob) is gone: Error from server (NotFound)"), "\(vanished.stdout)")

        // The RayCluster is gone: nothing is submitted.
        let gone = try await emulator.run("kubectl", ["--context", context, "-n", "ray", "delete", "raycluster", "raycluster-mini"])
        #expect(gone.status == 0, "\(gone.stderr)")
        let before = try FileManager.default.contentsOfDirectory(atPath: emulator.workspace.appendingPathComponent("jobs").path).count
        let noCluster = try await emulator.wizard(["submit", "--workspace", workspace, "--", "true"])
        #expect(noCluster.status == 2)
        #expect(noCluster.stderr.contains("the RayCluster raycluster-mini (namespace ray, kube context \(context)) cannot be read: "
            + #"Error from server (NotFound): rayclusters.ray.io "raycluster-mini" not found"#), "\(noCluster.stderr)")
        #expect(noCluster.stderr.contains("Nothing was submitted. Make it again with kuberay-gcs-wizard apply --answers"), "\(noCluster.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: emulator.workspace.appendingPathComponent("jobs").path).count == before)
    }
}
