import Foundation
import SetupPlan
import TestKit
import Testing

/// `bucket.mount: true` against the emulator with the real gcloud and kubectl: the Cloud Storage FUSE add-on
/// turned on for an existing cluster, the mount in the Ray pods, and the check both ways.
@Suite struct BucketMountEndToEndTests {
    @Test func testMountOnAnExistingClusterEnablesTheAddonAndWorksBothWays() async throws {
        let emulator = try await EmulatorHarness.start("e2e-mount")
        defer { emulator.stop() }
        let project = EmulatorEndToEndTests.project, bucket = EmulatorEndToEndTests.bucket
        try await emulator.seed(["clusters": [["name": "cloud-bucket-cluster", "location": "us-west1-b", "autopilot": false,
                                                "workloadPool": "\(project).svc.id.goog", "rayOperator": true]]])
        // Preflight has no check of the mount; for an existing cluster it is proven by the existing/gke-addon/direct and
        // existing/installed/iam-service-account combinations.
        let result = try await emulator.applyForSetup(["project=\(project)", "bucket.name=\(bucket)", "cluster.mode=existing", "bucket.mount=true"])
        #expect(result.status == 0, "\(result.stdout + result.stderr)")
        // Titles are cut to fit 80 columns; a step's last line is the one its end writes (a started line comes first).
        let addon = result.stdout.split(separator: "\n").last { $0.contains("] Enable the Cloud Storage FUSE") } ?? ""
        #expect(addon.hasSuffix("done") || addon.contains(" done "), "\(result.stdout)")
        #expect(!addon.contains("already done"), "\(result.stdout)")
        let check = result.stdout.split(separator: "\n").last { $0.contains("] Check the bucket's mount both") } ?? ""
        #expect(check.contains(" done "), "\(result.stdout)")

        // One file each way on every Ray node: the head and the default worker group's pod.
        let context = "gke_\(project)_us-west1-b_cloud-bucket-cluster"
        let rayPods = try await emulator.run("kubectl", ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context, "-o", "name"])
        let nodes = rayPods.stdout.split(separator: "\n").count
        #expect(nodes >= 2, "\(rayPods.stdout)")
        let log = try await emulator.log()
        #expect(log.succeeded("update-cluster-addons") == 1, "the add-on is turned on once")
        #expect(log.succeeded("fuse-write") == nodes, "a file written through the mount on each node")
        #expect(log.succeeded("fuse-read") == nodes, "an object read through the mount on each node")
        let written = log.filter { $0.kind == "fuse-write" }.map(\.path)
        #expect(written.allSatisfy { $0.hasPrefix("/storage/v1/b/\(bucket)/o/\(MountCheck.prefix)/") }, "\(written)")

        // The README's flow: code copied to the bucket runs from the mount path, and what it writes there is an object.
        try Self.writeTrainScript(in: emulator.root)
        let synced = try await emulator.run("gcloud", Self.copyCode(bucket: bucket))
        #expect(synced.status == 0, "\(synced.stdout + synced.stderr)")
        let workspace = emulator.workspace.path
        let trained = try await emulator.wizard(["submit", "--workspace", workspace, "--"] + Self.trainCommand)
        #expect(trained.status == 0, "\(trained.stdout + trained.stderr)")
        #expect(trained.stdout.contains("  | trained 3 epochs, wrote /mnt/cluster_storage/results/model.txt"), "\(trained.stdout)")
        #expect(trained.stdout.hasSuffix("Succeeded.\n"), "\(trained.stdout)")
        let state = try #require(try JSONSerialization.jsonObject(with: await emulator.control("GET", "state")) as? [String: Any])
        let objects = ((state["buckets"] as? [String: Any])?[bucket] as? [String: Any])?["objects"] as? [String: String] ?? [:]
        #expect(objects["results/model.txt"] == "weights after 3 epochs", "the file the job wrote: \(objects.keys.sorted())")
        #expect(objects["code/train.py"] != nil, "\(objects.keys.sorted())")
        let fuseWrites = try await emulator.log().filter { $0.kind == "fuse-write" && $0.server == "pod" }.map(\.path)
        #expect(fuseWrites.last == "/storage/v1/b/\(bucket)/o/results/model.txt", "\(fuseWrites)")

        // The emulator's model of GKE without the add-on: a Ray pod asking for the mount is refused.
        let off = try await emulator.run("gcloud", ["container", "clusters", "update", "cloud-bucket-cluster", "--project", project,
                                                     "--location", "us-west1-b", "--update-addons", "GcsFuseCsiDriver=DISABLED"])
        #expect(off.status == 0, "\(off.stderr)")
        let manifest = emulator.workspace.appendingPathComponent("raycluster.yaml").path
        #expect(try await emulator.run("kubectl", ["delete", "-f", manifest, "--context", context]).status == 0)
        // Deletion is asynchronous: the old pods go first, so a pod listed below is one the new RayCluster made. Listed
        // until none is left, as destroy does (`kubectl wait --for=delete -l` fails when they are gone before it starts).
        let listPods = ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context, "-o", "name"]
        let deadline = Date().addingTimeInterval(120)
        var left = try await emulator.run("kubectl", listPods)
        while left.status != 0 || !left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, Date() < deadline {
            try await Task.sleep(for: .seconds(1))
            left = try await emulator.run("kubectl", listPods)
        }
        #expect(left.status == 0 && left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(left.stdout + left.stderr)")
        #expect(try await emulator.run("kubectl", ["apply", "-f", manifest, "--context", context]).status == 0)
        let reason = try await emulator.run("kubectl", ["get", "raycluster", "raycluster-mini", "--context", context, "-o", "jsonpath={.status.reason}"])
        #expect(reason.stdout.contains("GcsFuseCsiDriver"), "\(reason.stdout + reason.stderr)")
        let pods = try await emulator.run("kubectl", ["get", "pods", "-l", "ray.io/cluster=raycluster-mini", "--context", context, "-o", "name"])
        #expect(pods.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "", "no Ray pod without the add-on")
    }

    /// The README's example job: `src/train.py` under `root`, writing its result through the mount.
    static func writeTrainScript(in root: URL) throws {
        let src = root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        let code = """
            import os, sys
            epochs = sys.argv[sys.argv.index("--epochs") + 1]
            out = "/mnt/cluster_storage/results/model.txt"
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "w") as f:
                f.write("weights after %s epochs" % epochs)
            print("trained %s epochs, wrote %s" % (epochs, out))

            """
        try code.write(to: src.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
    }

    /// The README's copy of `./src` to the bucket's `code/` folder (`gcloud` arguments, run where `src` is).
    static func copyCode(bucket: String) -> [String] { ["storage", "rsync", "--recursive", "./src", "gs://\(bucket)/code"] }

    /// The README's `submit` command after `--`.
    static let trainCommand = ["python", "/mnt/cluster_storage/code/train.py", "--epochs", "3"]
}
