import Foundation
import Cells
import Diagnosis
import SetupPlan
import RunModel
import WizardModel
import WizardResources

/// A state for every screen, reached through `update` the way a person gets there.
enum Scenarios {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let checkScript = "print('check')\n"

    static var answers: Answers {
        var a = Answers()
        a.project = "ray-demo-123"
        a.bucket.name = "ray-demo-bucket"
        return a
    }

    static let detection = Detection(
        tools: [
            DetectedTool(name: "gcloud", version: "Google Cloud SDK 520.0.0"),
            DetectedTool(name: "kubectl", version: "Client Version: v1.32.2"),
            DetectedTool(name: "gke-gcloud-auth-plugin", version: nil),
            DetectedTool(name: "helm", version: nil),
        ],
        account: "ada@example.com", project: "ray-demo-123", zone: "us-west1-b")

    static func base(_ answers: Answers = Answers(), asciiOnly: Bool = false, journal: JournalSummary? = nil,
                     workspace: String = "kuberay-gcs-setup") -> WizardState {
        WizardState(answers: answers, workspace: workspace, checkScript: checkScript,
                    asciiOnly: asciiOnly, now: t0, journal: journal)
    }

    static func send(_ state: inout WizardState, _ actions: [WizardAction]) {
        for action in actions { _ = update(&state, action) }
    }

    static func keys(_ keys: [Key]) -> [WizardAction] { keys.map(WizardAction.key) }

    // Preflight's checks as Preflight decides them on a new project (Tests/DiagnosisTests/PreflightTests.swift).
    static let billing = Check(id: .billing, title: "Billing", status: .ok, evidence: ["ray-demo-123 is billed to billingAccounts/0A1B2C-3D4E5F-6A7B8C"])
    static let roles = Check(id: .roles, title: "Your roles on the project", status: .ok, evidence: ["ada@example.com holds roles/owner"])
    static let quotaZero = Check(
        id: .gpuQuota, title: "GPU quota in us-west1", status: .warning,
        evidence: ["NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 0 to 3",
                   "GPUS_ALL_REGIONS (all regions): 0 free (limit 0, used 0); the plan needs 0 to 3"],
        advice: "Request more NVIDIA_L4_GPUS in us-west1 at https://console.cloud.google.com/iam-admin/quotas?project=ray-demo-123; "
            + "until then the group's pods wait for a node (FailedScaleUp)")
    static let notOffered = Check(id: .accelerators, title: "GPU types in us-west1-b", status: .broken,
                                  evidence: ["nvidia-l4: not offered in us-west1-b"],
                                  advice: "Zones of us-west1 that offer nvidia-l4: us-west1-a, us-west1-c; --set zone=us-west1-a")

    /// Every screen worth a golden frame, by name.
    static var all: [(String, WizardState)] { all(workspace: "kuberay-gcs-setup") }

    /// Every screen, with the workspace folder named `workspace`.
    static func all(workspace: String) -> [(String, WizardState)] {
        var list: [(String, WizardState)] = []
        var s = base(workspace: workspace)
        send(&s, [.start(terminalUTF8: true)])
        list.append(("welcome-detecting", s))
        send(&s, [.environmentDetected(detection)])
        list.append(("welcome", s))
        var asciiWelcome = s
        asciiWelcome.asciiOnly = true
        list.append(("welcome-ascii", asciiWelcome))
        var unread = base(workspace: workspace)
        var slowGcloud = detection
        (slowGcloud.account, slowGcloud.project, slowGcloud.zone) = (nil, nil, nil)
        slowGcloud.configUnread = "not read: gcloud did not answer in 60 s"
        send(&unread, [.start(terminalUTF8: true), .environmentDetected(slowGcloud)])
        list.append(("welcome-config-unread", unread))
        send(&s, [.key(.enter)])
        list.append(("page1-project", s))
        send(&s, keys([.enter]))
        list.append(("page2-cluster", s))
        var existing = s
        send(&existing, keys([.left, .tab, .tab] + "us-west1".map(Key.char) + [.tab, .right]))
        list.append(("page2-cluster-existing", existing))
        send(&s, keys([.enter]))
        list.append(("page3-operator", s))
        send(&s, keys([.enter]))
        list.append(("page4-identity", s))
        send(&s, keys([.enter]))
        var bucket = s
        send(&bucket, keys([.tab] + "My_Bucket".map(Key.char) + [.tab]))
        list.append(("page5-bucket-error", bucket))
        send(&s, keys([.tab] + "ray-demo-bucket".map(Key.char)))
        list.append(("page5-bucket", s))
        send(&s, keys([.enter]))
        list.append(("page6-ray", s))
        var help = s
        send(&help, keys([.char("?")]))
        list.append(("help-overlay", help))
        send(&s, keys([.enter]))
        list.append(("page7-workers", s))
        // A new user adds a GPU group: Ctrl-N, names it, picks an L4 and sees its node pool in the preview.
        var gpu = s
        send(&gpu, keys([.ctrl("n"), .ctrl("u")] + "gpu".map(Key.char) + Array(repeating: Key.tab, count: 6) + [.right, .right]))
        list.append(("page7-workers-gpu", gpu))
        var gpuHelp = gpu
        send(&gpuHelp, keys([.char("?")]))
        list.append(("help-overlay-workers", gpuHelp))
        send(&gpu, keys([.enter] + Array(repeating: Key.pageDown, count: 9)))
        list.append(("review-gpu-node-pool", gpu))
        // A zone without the GPU type, on a new project (GPU quota 0): the ✗ and its fix open the pane, the warning
        // follows, and Run is refused.
        var quota = gpu
        let gpuAnswers = gpu.review?.plan.answers ?? answers
        send(&quota, [.preflightChecked(gpuAnswers, billing), .key(.char("4"))])
        list.append(("review-preflight-checking", quota))
        send(&quota, [.preflightFinished(gpuAnswers, [billing, roles, notOffered, quotaZero], waitsForAPIs: false), .key(.char("r"))])
        list.append(("review-preflight-refused", quota))
        // Two GPU groups and the bucket mounted: one summary line per group, and where the bucket is mounted.
        var twoGPUAnswers = answers
        twoGPUAnswers.bucket.mount = true
        var l4 = WorkerGroup(name: "gpu-l4"), a100 = WorkerGroup(name: "gpu-a100")
        l4.gpu = .init(type: "nvidia-l4", count: 2)
        a100.gpu = .init(type: "nvidia-tesla-a100")
        a100.minReplicas = 1
        twoGPUAnswers.ray.workers = [WorkerGroup(), l4, a100]
        var twoGPU = base(twoGPUAnswers, workspace: workspace)
        send(&twoGPU, [.start(terminalUTF8: true), .environmentDetected(detection)])
        send(&twoGPU, keys(Array(repeating: .enter, count: 1 + WizardPage.all.count)))
        list.append(("review-two-gpu-groups-mounted", twoGPU))
        send(&s, keys([.enter]))
        send(&s, [.preflightFinished(s.review?.plan.answers ?? answers, [billing, roles], waitsForAPIs: false)])
        list.append(("review-commands", s))
        var manifest = s
        send(&manifest, keys([.char("2"), .pageDown]))
        list.append(("review-manifest", manifest))
        var script = s
        send(&script, keys([.char("3"), .tab]))
        list.append(("review-script", script))

        let plan = s.review?.plan ?? PlanBuilder.build(answers, checkScript: checkScript)
        send(&s, keys([.char("r")]))
        list.append(("run-starting", s))
        // Preflight's gate read again once the APIs were on, and stopped the run before its first creating step.
        var gateStopped = s
        let gate = plan.changingStepIndices.first ?? 5
        let gateStatuses = plan.steps.indices.map { $0 < gate ? StepStatus.done : .pending }
        send(&gateStopped, [.runEvent(.runStarted(steps: plan.steps.count, statuses: gateStatuses)),
                            .runEvent(.gateFinished(GateVerdict(passed: false, summary: "Preflight stops the run: GPU quota in us-west1. "
                                                                + "Nothing was created.", broken: ["gpu-quota"]))),
                            .runEvent(.runFinished(result: .failed, seconds: 31))])
        list.append(("stopped-preflight", gateStopped))
        var statuses = Array(repeating: StepStatus.pending, count: plan.steps.count)
        statuses[0] = .done
        send(&s, [.runEvent(.runStarted(steps: plan.steps.count, statuses: statuses))])
        // Getting the credentials after the cluster: what the output and the failure below are about.
        let running = plan.steps.firstIndex { $0.id == .getCredentials } ?? 7
        for i in 1..<running {
            let id = plan.steps[i].id
            send(&s, [.runEvent(.stepStarted(index: i, stepID: id)), .tick(t0.addingTimeInterval(Double(i) * 1.5))])
            let status: StepStatus = i == 4 ? .alreadyDone : .done
            send(&s, [.runEvent(.stepFinished(StepOutcome(index: i, stepID: id, status: status, exitCode: 0, seconds: Double(i) * 0.7,
                                                          logPath: WorkspaceFiles.logPath(index: i, stepID: id))))])
        }
        send(&s, [.runEvent(.stepStarted(index: running, stepID: plan.steps[running].id))])
        send(&s, [.runEvent(.stepNote(index: running, stepID: plan.steps[running].id, note: RunNote.probing))])
        for line in ["Creating cluster ray-demo in us-west1-b...", "  \u{1B}[33mNote:\u{1B}[0m The Kubelet readonly port (10255) is now deprecated.",
                     "Creating cluster ray-demo in us-west1-b... Cluster is being health-checked...done."] {
            send(&s, [.runEvent(.output(index: running, stepID: plan.steps[running].id, stream: .stderr, line: line))])
        }
        send(&s, [.tick(t0.addingTimeInterval(95))])
        list.append(("run", s))
        // A step waiting between tries for IAM: the status line says for what, for how long so far and up to when.
        var waiting = s
        send(&waiting, [.runEvent(.stepWaiting(index: running, stepID: plan.steps[running].id, wait: StepWait(
            what: "the IAM bindings to take effect", deadlineSeconds: 600, elapsedSeconds: 62, retryInSeconds: 20, attempt: 4,
            reason: "The pod's Kubernetes service account may not act as the Google service account (403 getAccessToken).")))])
        list.append(("run-waiting", waiting))
        var ascii = s
        ascii.asciiOnly = true
        list.append(("run-ascii", ascii))
        var runHelp = s
        send(&runHelp, keys([.char("?")]))
        list.append(("help-overlay-run", runHelp))
        var log = s
        send(&log, keys([.char("l")]))
        send(&log, [.logLoaded(stepID: plan.steps[running].id, result: .lines((1...60).map { "log line \($0): gcloud container clusters create output" }))])
        list.append(("log", log))

        var stopping = s
        send(&stopping, keys([.ctrl("c")]))
        list.append(("run-stopping", stopping))
        var interrupted = stopping
        send(&interrupted, [
            .runEvent(.stepFinished(StepOutcome(index: running, stepID: plan.steps[running].id, status: .interrupted, exitCode: nil,
                                                seconds: 80, logPath: WorkspaceFiles.logPath(index: running, stepID: plan.steps[running].id)))),
            .runEvent(.runFinished(result: .interrupted, seconds: 100)),
        ])
        list.append(("stopped-interrupted", interrupted))

        var failed = s
        let failure = StepOutcome(
            index: running, stepID: plan.steps[running].id, status: .failed, exitCode: 1,
            hint: Hint(summary: "The Kubernetes Engine API is not enabled or not yet ready in ray-demo-123.",
                       fix: "Wait a minute and choose Retry; if it persists, run `gcloud services enable container.googleapis.com --project ray-demo-123`."),
            seconds: 12.4, logPath: WorkspaceFiles.logPath(index: running, stepID: plan.steps[running].id),
            stderrTail: [
                "ERROR: (gcloud.container.clusters.create) ResponseError: code=403, message=Kubernetes Engine API has not been used in project 1234 before or it is disabled.",
                "Enable it by visiting https://console.developers.google.com/apis/api/container.googleapis.com/overview?project=1234 then retry.",
            ])
        send(&failed, [.runEvent(.stepFinished(failure)), .runEvent(.runFinished(result: .failed, seconds: 40))])
        list.append(("stopped-failed", failed))
        var skip = failed
        send(&skip, keys([.tab]))
        list.append(("stopped-skip", skip))
        var quit = failed
        send(&quit, keys([.ctrl("c")]))
        list.append(("confirm-quit-after-failure", quit))

        // Two steps at once: both rows spin with their own time; the pane shows the one that started last.
        var parallel = s
        let beside = plan.steps.firstIndex { $0.id == .bindWorkloadIdentity } ?? running + 3
        let besideID = plan.steps[beside].id
        send(&parallel, [.runEvent(.stepStarted(index: beside, stepID: besideID)), .tick(t0.addingTimeInterval(101))])
        for line in ["Updated IAM policy for serviceAccount [ray-gcs@ray-demo-123.iam.gserviceaccount.com].", "bindings:",
                     "- members:", "  - serviceAccount:ray-demo-123.svc.id.goog[default/ray-ksa]"] {
            send(&parallel, [.runEvent(.output(index: beside, stepID: besideID, stream: .stdout, line: line))])
        }
        list.append(("run-parallel", parallel))
        // Both fail: the failure screen names the second too.
        var twoFailed = parallel
        send(&twoFailed, [.runEvent(.stepFinished(failure)),
                          .runEvent(.stepFinished(StepOutcome(index: beside, stepID: besideID, status: .failed, exitCode: 1, seconds: 6,
                                                              logPath: WorkspaceFiles.logPath(index: beside, stepID: besideID)))),
                          .runEvent(.runFinished(result: .failed, seconds: 110))])
        list.append(("stopped-two-failed", twoFailed))

        var refused = s
        send(&refused, [.runFailedToStart("kuberay-gcs-setup/state.json was written for other answers:\n- project: old-project\n+ project: ray-demo-123")])
        list.append(("stopped-refused", refused))

        var done = s
        for i in running..<plan.steps.count {
            let id = plan.steps[i].id
            let result = plan.steps[i].kind == .verify
                ? "headgroup raycluster-mini-head-x7k2p ok\nworkers raycluster-mini-workers-worker-9qz4d ok\nhead ok, workers-9qz4d ok" : nil
            send(&done, [.runEvent(.stepFinished(StepOutcome(index: i, stepID: id, status: .done, exitCode: 0, seconds: 3,
                                                             logPath: WorkspaceFiles.logPath(index: i, stepID: id), result: result)))])
        }
        send(&done, [.runEvent(.runFinished(result: .succeeded, seconds: 734))])
        list.append(("done", done))

        // The bucket mounted: the Done screen adds the Ray Train snippet that uses the mount.
        var mountedAnswers = answers
        mountedAnswers.bucket.mount = true
        var mounted = base(mountedAnswers, workspace: workspace)
        send(&mounted, [.start(terminalUTF8: true), .environmentDetected(detection)])
        send(&mounted, keys(Array(repeating: .enter, count: 1 + WizardPage.all.count)))
        send(&mounted, [.preflightFinished(mountedAnswers, [billing], waitsForAPIs: false), .key(.char("r"))])
        let mountedPlan = mounted.run?.plan ?? plan
        send(&mounted, [.runEvent(.runStarted(steps: mountedPlan.steps.count, statuses: Array(repeating: .pending, count: mountedPlan.steps.count)))])
        for (i, step) in mountedPlan.steps.enumerated() {
            let result: String? = switch step.id {
            case .verifyBucket:
                "headgroup raycluster-mini-head-x7k2p ok\nworkers raycluster-mini-workers-worker-9qz4d ok\nhead ok, workers-9qz4d ok"
            case .verifyMount:
                "raycluster-mini-head-x7k2p mount->api ok, api->mount ok\nraycluster-mini-workers-worker-9qz4d mount->api ok, api->mount ok"
            default: nil
            }
            send(&mounted, [.runEvent(.stepFinished(StepOutcome(index: i, stepID: step.id, status: .done, exitCode: 0, seconds: 3,
                                                                logPath: WorkspaceFiles.logPath(index: i, stepID: step.id), result: result)))])
        }
        send(&mounted, [.runEvent(.runFinished(result: .succeeded, seconds: 801))])
        list.append(("done-mounted", mounted))

        // Destroy from the Done screen: the preview, the bucket too, its confirmation, and the finished destroy.
        var destroy = done
        send(&destroy, keys([.char("d")]))
        list.append(("destroy", destroy))
        send(&destroy, keys([.char("b"), .char("d")]) + [.bucketUsageRead("2 objects, 36 bytes (36B)")] + keys([.char("r"), .char("a")]))
        list.append(("confirm-destroy-bucket", destroy))
        send(&destroy, keys(Array(answers.bucket.name.dropFirst(2)).map { Key.char($0) } + [.enter]))
        let destroyPlan = destroy.run?.plan.steps ?? []
        for (i, step) in destroyPlan.enumerated() {
            send(&destroy, [.runEvent(.stepFinished(StepOutcome(index: i, stepID: step.id, status: i == 1 ? .alreadyDone : .done,
                                                                exitCode: 0, seconds: 4, logPath: WorkspaceFiles.logPath(index: i, stepID: step.id))))])
        }
        send(&destroy, [.runEvent(.runFinished(result: .succeeded, seconds: 312))])
        list.append(("done-destroyed", destroy))

        let rows = plan.steps.enumerated().map { i, step in
            StepRow(id: step.id, title: step.title, status: i < 9 ? (i == 4 ? .alreadyDone : .done) : (i == 9 ? .failed : .pending))
        }
        let resume = base(answers, journal: JournalSummary(answers: answers, steps: rows, result: .failed), workspace: workspace)
        list.append(("resume", resume))

        // A destroy that stopped at its third step: the Resume screen continues the destroy.
        let finishedRows = plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .done) }
        let records = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, SetupRecord.done) })
        let destroySteps = DestroyPlanBuilder.build(setup: plan, records: records, options: DestroyOptions()).plan.steps
        let destroyRows = destroySteps.enumerated().map { i, step in
            StepRow(id: step.id, title: step.title, status: i < 2 ? .done : (i == 2 ? .interrupted : .pending))
        }
        list.append(("resume-destroy", WizardState(
            answers: answers, workspace: workspace, checkScript: checkScript, now: t0,
            journal: JournalSummary(answers: answers, steps: finishedRows, result: .succeeded),
            destroyJournal: JournalSummary(answers: answers, steps: destroyRows, result: .interrupted))))

        var quitEarly = base(workspace: workspace)
        send(&quitEarly, [.environmentDetected(detection), .key(.enter), .key(.ctrl("c"))])
        list.append(("confirm-quit", quitEarly))
        list += doctorScreens(workspace: workspace)
        return list
    }

    /// doctor's checklist while it reads, and finished with a broken link; the pages naming the setup when its answers are not there.
    static func doctorScreens(workspace: String) -> [(String, WizardState)] {
        var list: [(String, WizardState)] = []
        var missing = base(workspace: workspace)
        send(&missing, [.start(terminalUTF8: true), .environmentDetected(detection), .key(.char("c"))])
        list.append(("check-page1-name-the-setup", missing))

        var s = base(answers, workspace: workspace)
        send(&s, [.start(terminalUTF8: true), .environmentDetected(detection), .key(.char("c"))])
        for check in doctorChecks.prefix(4) { send(&s, [.doctorChecked(check)]) }
        list.append(("doctor-checking", s))
        for check in doctorChecks.dropFirst(4) { send(&s, [.doctorChecked(check)]) }
        send(&s, [.doctorFinished(doctorChecks)])
        list.append(("doctor-broken", s))
        return list
    }

    static let doctorChecks: [Check] = {
        let email = "my-iam-sa@ray-demo-123.iam.gserviceaccount.com"
        let member = "serviceAccount:ray-demo-123.svc.id.goog[default/my-ksa]"
        let binding = "roles/iam.workloadIdentityUser on \(email) for \(member)"
        return [
            Check(id: .gcloud, title: "gcloud account and project", status: .ok,
                  evidence: ["account ada@example.com", "project ray-demo-123 (number 123456789012)"]),
            Check(id: .apis, title: "APIs enabled", status: .ok,
                  evidence: ["enabled: container.googleapis.com, storage.googleapis.com, iamcredentials.googleapis.com"]),
            Check(id: .cluster, title: "Cluster cloud-bucket-cluster exists and is RUNNING", status: .ok,
                  evidence: ["Standard cluster in us-west1-b, status RUNNING"]),
            Check(id: .workloadPool, title: "Workload Identity on the cluster (pool ray-demo-123.svc.id.goog)", status: .ok,
                  evidence: ["workload pool ray-demo-123.svc.id.goog"]),
            Check(id: .ksa, title: "Kubernetes service account default/my-ksa", status: .ok, evidence: ["created 2026-01-01T10:00:00Z"]),
            Check(id: .workloadIdentityBinding, title: binding, status: .broken,
                  evidence: ["granted to serviceAccount:ray-demo-123.svc.id.goog[ray/my-ksa]: the namespace is ray, not default"],
                  fix: [["gcloud", "iam", "service-accounts", "add-iam-policy-binding", email, "--project", "ray-demo-123",
                         "--role", "roles/iam.workloadIdentityUser", "--member", member]]),
            Check(id: .bucketRole, title: "The bucket grants the pods' identity object read and write", status: .ok,
                  evidence: ["roles/storage.objectUser for serviceAccount:\(email)"]),
            Check(id: .pod("raycluster-mini-head-x1y2z"), title: "In raycluster-mini-head-x1y2z (head): identity and a test object",
                  status: .broken, evidence: ["identity \(email)", "no token: Permission 'iam.serviceAccounts.getAccessToken' denied"],
                  cause: binding),
        ]
    }()
}
