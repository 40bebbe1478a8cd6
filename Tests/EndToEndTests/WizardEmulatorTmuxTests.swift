import Foundation
import TestKit
import Testing

/// The wizard's destroy and doctor screens, and the Done screen's ways into `session` and `submit`, as a person uses them: the built binary in a real 80x24 terminal (tmux on
/// a private socket) against the emulator, with the real gcloud and kubectl, after a setup made by `apply`.
/// Assertions read `tmux capture-pane`; what the cloud holds afterwards is read from the emulator.
@Suite struct WizardEmulatorTmuxTests {

    /// Runs `body` with an emulator (made ready by `prepare`) and a terminal whose shell runs in the emulator's folder
    /// with its environment, so the workspace is typed as `workspace`.
    private func withEmulatorTerminal(_ name: String, prepare: (EmulatorHarness) throws -> Void = { _ in },
                                      _ body: (EmulatorHarness, TmuxTerminal) throws -> Void) throws {
        let tmuxPath = try RequiredTool.path("tmux", for: "the wizard's terminal test")
        let root = try TestPaths.newTemporaryFolder(name)
        let emulator = try EmulatorHarness(root: root, tools: try EndToEndTools.require(), removesRoot: true)
        defer { emulator.stop() }
        try prepare(emulator)
        var environment = emulator.environment
        environment["TERM"] = "xterm-256color"
        let tmux = try TmuxTerminal(tmux: tmuxPath, root: emulator.root, environment: environment)
        defer { tmux.killServer() }
        try tmux.waitFor("the shell prompt") { $0.contains(TmuxTerminal.prompt) }
        try body(emulator, tmux)
    }

    /// `withEmulatorTerminal` with a finished setup in the workspace (`apply` with `sets`).
    private func withFinishedSetup(_ name: String, _ sets: [String], _ body: (EmulatorHarness, TmuxTerminal) throws -> Void) throws {
        try withEmulatorTerminal(name, prepare: { emulator in
            // Preflight for these answers: the create-standard/gke-addon/iam-service-account combination (with a GPU group).
            let applied = try emulator.applyForSetup(sets)
            #expect(applied.status == 0, "\(applied.stdout + applied.stderr)")
        }, body)
    }

    /// How long Welcome may take: it shows what detection found, which runs the real gcloud (about a second of CPU
    /// each call), while the other end-to-end tests run theirs on the same two cores.
    private static let detection: Double = 120

    /// How long the destroy's eight deletions may take: each is a gcloud or kubectl call or two (an IAM binding's is a
    /// read and a write), seconds each while the other end-to-end tests load the two cores.
    private static let destroyRun: Double = 300

    /// How long doctor's checks may take: about twenty reads, most of them a gcloud call.
    private static let doctorRun: Double = 240

    /// Starts the wizard on the emulator's workspace; `echo EXIT=$?` follows it.
    private func startWizard(_ tmux: TmuxTerminal) throws {
        try tmux.type("clear; \(shellQuoted(try TestPaths.wizard.path)) --workspace workspace; echo EXIT=$?")
        try tmux.keys("Enter")
    }

    /// Starts the wizard (see `startWizard`) and waits for Welcome with the account detection found.
    private func startWizardToWelcome(_ tmux: TmuxTerminal) throws {
        try startWizard(tmux)
        try tmux.waitFor("Welcome", seconds: Self.detection) { $0.contains("Welcome") && $0.contains("tester@example.com") }
    }

    /// Keeps each of `pages` (1-7) as it is: waits for the page, then Enter.
    private func enter(through pages: ClosedRange<Int>, _ tmux: TmuxTerminal) throws {
        for page in pages {
            try tmux.waitFor("page \(page)") { $0.contains("Page \(page) of 7") }
            try tmux.keys("Enter")
        }
    }

    /// Waits until the screen shows every one of `texts` (line breaks read as spaces): ncurses draws a frame top to
    /// bottom, and a capture may come in between.
    @discardableResult
    private func waitForAll(_ tmux: TmuxTerminal, _ what: String, _ texts: [String], seconds: Double = 20) throws -> String {
        try tmux.waitFor(what, seconds: seconds) { screen in texts.allSatisfy(collapsed(screen).contains) }
    }

    /// Waits for the wizard's exit status and the prompt under it.
    @discardableResult
    private func waitForExit(_ tmux: TmuxTerminal, _ code: Int32) throws -> String {
        try tmux.waitFor("exit status \(code)") { $0.contains("EXIT=\(code)\n\(TmuxTerminal.prompt)") }
    }

    /// `d` on Welcome after a setup with a GPU group: the preview names the node pool with the cluster's deletion (it
    /// is not kept), the destroy runs and fails at the cluster (a 403 injected once), quit; the wizard opened again
    /// shows the unfinished destroy on the Resume screen, and Resume finishes it.
    @Test func testDestroyFromWelcomeFailsThenTheResumeScreenFinishesIt() async throws {
        try await DedicatedThread.run {
            try withFinishedSetup("tmux-destroy", [
                "project=demo-project", "bucket.name=my-bucket", "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-l4",
            ]) { emulator, tmux in
                try emulator.addFaults(["rules": [["method": "DELETE", "path_regex": "/clusters/cloud-bucket-cluster$", "status": 403, "times": 1,
                                                   "message": "Required \"container.clusters.delete\" permission(s) for \"projects/demo-project\"."]]])
                try startWizard(tmux)
                try tmux.waitFor("Welcome offering the destroy", seconds: Self.detection) {
                    collapsed($0).contains("workspace holds a finished run: press d to see what destroying it removes.")
                }
                try tmux.keys("d")
                try waitForAll(tmux, "the destroy preview", ["Destroy · 7 deletions, nothing run yet",
                                                             "gs://my-bucket is kept: it holds your data (b deletes it too).",
                                                             "3 kept, listed at the end.", "< Destroy >", "d destroy b bucket"])
                try tmux.keys("End")
                var screen = try tmux.waitFor("the kept list") { $0.contains("Kept:") && scrolledToEnd($0) && $0.contains("? keys") }
                #expect(!(screen.contains("ray-gpu")), "the GPU pool goes with the cluster: not kept\n\(screen)")

                try tmux.keys("d")
                try tmux.waitFor("the confirmation") { $0.contains("Delete what this workspace's run created?") && $0.contains("y delete") }
                try tmux.keys("y")
                try waitForAll(tmux, "the failure at the cluster", [
                    "Failed at step 9/10", "✗ Step 9 of 10 failed: Delete the GKE cluster cloud-bucket-cluster with its node pool ray-gpu",
                    #"Required "container.clusters.delete" permission(s)"#, "8 of 10 steps complete; the journal is kept.",
                ], seconds: Self.destroyRun)
                try tmux.keys("q")
                screen = try waitForExit(tmux, 1)
                #expect(screen.contains("The journal is kept in workspace/destroy-state.json. Resume with:"), "\(screen)")

                try startWizard(tmux)
                screen = try waitForAll(tmux, "the unfinished destroy", [
                    "Unfinished destroy", "workspace holds an unfinished destroy: 8 of 10 steps complete.",
                    "Stopped at step 9: Delete the GKE cluster cloud-bucket-cluster", "✓ 8. Delete the roles/storage.objectUser binding",
                    "○ 10. Wait until the cluster is deleted", "< Resume > [ Quit ]", "Continues the destroy with the choices it was started with",
                ])
                #expect(!(screen.contains("Start over")), "\(screen)")
                try tmux.keys("Enter")
                try waitForAll(tmux, "the destroyed screen", [
                    "Destroyed · 10 steps", "✓ Delete the GKE cluster cloud-bucket-cluster with its node pool ray-gpu",
                    "The bucket gs://my-bucket and every object in it: it holds your data;", "q/Enter quit",
                ], seconds: Self.destroyRun)
                try tmux.keys("q")
                screen = try waitForExit(tmux, 0)
                #expect(collapsed(screen).contains("Destroyed what the run in workspace created."), "\(screen)")

                // Gone from the cloud: the cluster (its pool with it, no delete of its own), the service account; the bucket stays.
                let log = try emulator.log()
                #expect(log.count("delete-cluster") == 2, "the refused delete and the one on resume")
                #expect(log.succeeded("delete-cluster") == 1)
                #expect(log.count("delete-node-pool") == 0)
                #expect(log.succeeded("delete-service-account") == 1)
                #expect(log.count("delete-bucket") == 0)
                let clusters = try emulator.run("gcloud", ["container", "clusters", "list", "--project", "demo-project", "--format", "value(name)"])
                #expect(clusters.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "", "\(clusters.stderr)")
            }
        }
    }

    /// `c` on Welcome checks the workspace's setup: healthy after apply; with the workloadIdentityUser binding removed,
    /// the broken link is on top with the fix command (DoctorEndToEndTests runs the fixes), and Esc goes back.
    @Test func testDoctorFromWelcomeIsHealthyThenFindsTheBrokenLinkAndItsFix() async throws {
        try await DedicatedThread.run {
            try withFinishedSetup("tmux-doctor", ["project=demo-project", "bucket.name=my-bucket"]) { emulator, tmux in
                try startWizardToWelcome(tmux)
                try tmux.keys("c")
                let screen = try waitForAll(tmux, "the healthy verdict", [
                    "Check an existing setup", "Project demo-project, cluster cloud-bucket-cluster, bucket gs://my-bucket", "Healthy: all ", "q quit",
                ], seconds: Self.doctorRun)
                #expect(!(screen.contains("✗")), "\(screen)")
                try quitWithoutRunning(tmux)

                let email = "my-iam-sa@demo-project.iam.gserviceaccount.com", member = "serviceAccount:demo-project.svc.id.goog[default/my-ksa]"
                let removed = try emulator.run("gcloud", ["iam", "service-accounts", "remove-iam-policy-binding", email, "--project", "demo-project",
                                                          "--role", "roles/iam.workloadIdentityUser", "--member", member])
                #expect(removed.status == 0, "\(removed.stderr)")
                try startWizardToWelcome(tmux)
                try tmux.keys("c")
                try waitForAll(tmux, "the broken verdict", [
                    "✗ roles/iam.workloadIdentityUser on \(email) for \(member)",
                    "fix: gcloud iam service-accounts add-iam-policy-binding \(email) --project demo-project --role "
                        + "roles/iam.workloadIdentityUser --member '\(member)'",
                    "Broken: roles/iam.workloadIdentityUser on", "q quit",
                ], seconds: Self.doctorRun)
                try tmux.keys("Escape")
                try tmux.waitFor("back on Welcome") { $0.contains("Welcome") && !$0.contains("Check an existing setup") }
                try quitWithoutRunning(tmux)
            }
        }
    }

    /// The whole wizard to its Done screen, then `s`: the wizard ends, `session` runs in the same terminal with the
    /// dashboard's URL (which answers, 401 without the Ray token), a dropped forward comes back, and Ctrl-C ends it
    /// with 130 and no kubectl left.
    @Test func testTheDoneScreensSKeyEndsTheWizardIntoSession() async throws {
        try await DedicatedThread.run {
            try withEmulatorTerminal("tmux-session") { emulator, tmux in
                try startWizardToWelcome(tmux)
                try tmux.keys("Enter")
                try tmux.waitFor("the first page") { $0.contains("Page 1 of 7") }
                try tmux.keys("C-u")
                try tmux.type("demo-project")
                try tmux.keys("Enter")
                try enter(through: 2...4, tmux)
                try tmux.waitFor("the bucket page") { $0.contains("Page 5 of 7 · Bucket") }
                try tmux.keys("Tab")
                try tmux.type("my-bucket")
                try tmux.keys("Enter")
                try enter(through: 6...7, tmux)
                try tmux.waitFor("preflight passed on Review", seconds: 120) { $0.contains("Preflight passed") }
                try tmux.keys("r")
                try waitForAll(tmux, "the Done screen", ["Done · 20 steps", "Press s to end the wizard and open the Ray dashboard on localhost:",
                                                         "kuberay-gcs-wizard session --workspace workspace",
                                                         "kuberay-gcs-wizard submit --workspace workspace -- ENTRYPOINT", "s dashboard"], seconds: 240)
                try tmux.keys("s")
                var screen = try waitForAll(tmux, "session's addresses", ["Ray on GKE is ready.", "Ray dashboard: http://127.0.0.1:",
                                                                          "Ray client: ray://127.0.0.1:", "base64 -d)"], seconds: 60)
                #expect(try tmux.format("#{alternate_on}") == "0", "the full-screen UI is gone")
                let url = try #require(screen.firstMatch(of: /Ray dashboard: (http:\/\/127\.0\.0\.1:\d+)/)?.1)
                #expect(try httpStatus(url + "/api/version") == "401")

                _ = try emulator.control("POST", "port-forward/drop")
                screen = try waitForAll(tmux, "the reconnect", ["The forward dropped: error: lost connection to pod", "Reconnected: \(url) "])
                try tmux.keys("C-c")
                screen = try waitForExit(tmux, 130)
                #expect(screen.contains("Stopped the forward."), "\(screen)")
                #expect(try httpStatus(url + "/api/version") == "none", "nothing listens on the dashboard's port any more")
            }
        }
    }

    /// On the Done screen of a run over a finished setup, `j`: the wizard ends and `submit` runs the example job in the
    /// same terminal, its log live, the wizard's exit status the job's (0), and the job's object is in the bucket.
    @Test func testTheDoneScreensJKeyEndsTheWizardIntoSubmitOfTheExampleJob() async throws {
        try await DedicatedThread.run {
            try withFinishedSetup("tmux-submit", ["project=demo-project", "bucket.name=my-bucket"]) { emulator, tmux in
                #expect(try bucketObjects(emulator)["rayjob-example.txt"] == nil, "apply itself runs no job")
                try startWizardToWelcome(tmux)
                try tmux.keys("Enter")
                try enter(through: 1...7, tmux)
                // Over a finished run Review skips preflight; the run finds every step done and checks the bucket again.
                try waitForAll(tmux, "Review", ["Review · 20 steps, finished ones are checked", "< Run >"])
                try tmux.keys("r")
                try waitForAll(tmux, "the Done screen", ["Done · 20 steps",
                                                         "Press j to end the wizard and run a test job that writes to gs://my-bucket as the KSA.",
                                                         "kuberay-gcs-wizard submit --workspace workspace -- ENTRYPOINT", "j test job"], seconds: 240)
                try tmux.keys("j")
                try waitForExit(tmux, 0)
                #expect(try tmux.format("#{alternate_on}") == "0", "the full-screen UI is gone")
                // The job's lines run past the pane's 24 rows: they are read with the rows scrolled off above it.
                let screen = collapsed(tmux.capture(history: true))
                #expect(screen.contains("Ray on GKE is ready."), "\(screen)")
                #expect(screen.contains("applied; it runs on RayCluster raycluster-mini, the submitter as the KSA"), "\(screen)")
                #expect(screen.contains("| wrote gs://my-bucket/rayjob-example.txt"), "the job's log, followed: \(screen)")
                #expect(screen.contains("status: Complete, job SUCCEEDED"), "\(screen)")
                #expect(screen.contains("Succeeded. EXIT=0"), "\(screen)")
                #expect(try bucketObjects(emulator)["rayjob-example.txt"]?.hasPrefix("written by a RayJob on ") == true,
                        "the object the job wrote from inside the cluster")
                let jobs = try FileManager.default.contentsOfDirectory(atPath: emulator.workspace.appendingPathComponent("jobs").path)
                #expect(jobs.count == 1 && jobs[0].hasPrefix("raycluster-mini-job-"), "submit's RayJob file: \(jobs)")
            }
        }
    }

    /// The objects of gs://my-bucket as the emulator holds them, by name.
    private func bucketObjects(_ emulator: EmulatorHarness) throws -> [String: String] {
        let state = try #require(try JSONSerialization.jsonObject(with: emulator.control("GET", "state")) as? [String: Any])
        let buckets = try #require(state["buckets"] as? [String: Any])
        let bucket = try #require(buckets["my-bucket"] as? [String: Any])
        return bucket["objects"] as? [String: String] ?? [:]
    }

    /// Preflight in the wizard on a new project (GPU quota 0, its Compute Engine API off) with a GPU group that keeps a
    /// pod: Review's checks can only warn, so Run starts; once the APIs are on, the run's gate stops it before anything
    /// is created, and Show the checks opens Review on the ✗ naming the quota metric and region with the fix. With the
    /// quota granted, Review reads again and the same answers run to Done.
    @Test func testPreflightStopsAGPUGroupWithoutQuotaThenTheSameAnswersRunToDone() async throws {
        try await DedicatedThread.run {
            try withEmulatorTerminal("tmux-preflight", prepare: { emulator in
                try emulator.seed(["quotas": ["preset": "new-project"]])
                // The answers a saved wizard leaves in the workspace: its pages open filled in.
                let sets = ["project=demo-project", "bucket.name=my-bucket", "zone=us-west1-a", "ray.workers[0].gpu.type=nvidia-l4",
                            "ray.workers[0].minReplicas=1", "ray.workers[0].maxReplicas=2"]
                let exported = try emulator.wizard(["export", "--workspace", emulator.workspace.path] + sets.flatMap { ["--set", $0] })
                #expect(exported.status == 0, "\(exported.stderr)")
            }) { emulator, tmux in
                try startWizardToWelcome(tmux)
                try tmux.keys("Enter")
                try enter(through: 1...7, tmux)
                try waitForAll(tmux, "Review's checks, warnings while the APIs are off", ["Preflight passed", "rechecked once the APIs are on"],
                               seconds: Self.doctorRun)
                try tmux.keys("r")
                try waitForAll(tmux, "the gate's stop", ["Preflight stopped the run", "✗ Preflight stops the run: GPU quota in us-west1. Nothing was created.",
                                                         "< Show the checks >"], seconds: Self.doctorRun)
                let changed = try emulator.log().filter { entry in
                    ["create-", "set-", "update-", "patch-", "delete-"].contains { entry.kind.hasPrefix($0) }
                }
                #expect(changed.map(\.kind) == [], "only the APIs were enabled")
                try tmux.keys("Enter")
                try waitForAll(tmux, "the ✗ with its fix", ["✗ GPU quota in us-west1: Run is refused",
                                                            "NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 2",
                                                            "Request more NVIDIA_L4_GPUS in us-west1"], seconds: Self.doctorRun)

                try emulator.seed(["quotas": ["regions": ["us-west1": ["NVIDIA_L4_GPUS": 4]], "global": ["GPUS_ALL_REGIONS": 4]]])
                try tmux.keys("e")
                try tmux.waitFor("the last page") { $0.contains("Page 7 of 7") }
                try tmux.keys("Enter")
                try waitForAll(tmux, "Review read again", ["Preflight passed"], seconds: Self.doctorRun)
                try tmux.keys("r")
                try waitForAll(tmux, "the Done screen", ["Done · 22 steps", "Ray on GKE is ready"], seconds: Self.destroyRun)
                try tmux.keys("q")
                try waitForExit(tmux, 0)
            }
        }
    }

    /// The status of a GET of `url` by Python's urllib (no proxy), or `none` when nothing answers.
    private func httpStatus(_ url: String) throws -> String {
        let script = """
        import sys, urllib.error, urllib.request
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            print(opener.open(sys.argv[1], timeout=10).status)
        except urllib.error.HTTPError as e:
            print(e.code)
        except OSError:
            print("none")
        """
        let result = try runProcess(try EndToEndTools.require().python, ["-c", script, url], timeout: 30)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// q, confirmed: nothing was run this time, so the status is 130.
    private func quitWithoutRunning(_ tmux: TmuxTerminal) throws {
        try tmux.keys("q")
        try tmux.waitFor("the quit question") { $0.contains("Quit the wizard?") && $0.contains("y quit") }
        try tmux.keys("y")
        try waitForExit(tmux, 130)
    }
}
