import Foundation
import RunModel
import SetupPlan
@testable import SetupRunner

/// Fake `gcloud`, `kubectl` and `helm` (one bash script) in a temp dir, with their state and call log there too.
///
/// Verbs: `create NAME` (fails "already exists" the second time), `describe NAME` (the probe), `delete NAME`
/// (NOT_FOUND when it is not there), `list NAME` (prints NAME while it exists, nothing after: a gone probe),
/// `print WORDS`, `show FILE` (prints the file of that name in the state folder), `slowcreate NAME SECONDS before|after` (sleeps the first time only, creating before or
/// after the sleep), `sleep SECONDS`, `lines N`. `FAKE_FAIL=substring` makes matching calls fail with
/// `FAKE_FAIL_TEXT` (at most `FAKE_FAIL_TIMES` times when set). Nothing outside the temp dir is touched.
struct FakeTools {
    let root: URL
    var bin: URL { root.appendingPathComponent("bin") }
    var state: URL { root.appendingPathComponent("state") }
    var workspace: URL { root.appendingPathComponent("ws") }

    static let script = #"""
    #!/bin/bash
    tool=${0##*/}
    line="$tool $*"
    echo "$line" >> "$FAKE_STATE/calls.log"
    if [ -n "$FAKE_FAIL" ] && [[ "$line" == *"$FAKE_FAIL"* ]]; then
      count=$(cat "$FAKE_STATE/failcount" 2>/dev/null || echo 0)
      if [ -z "$FAKE_FAIL_TIMES" ] || [ "$count" -lt "$FAKE_FAIL_TIMES" ]; then
        echo $((count + 1)) > "$FAKE_STATE/failcount"
        printf '%b\n' "${FAKE_FAIL_TEXT:-ERROR: ($tool) injected failure}" >&2
        exit "${FAKE_FAIL_CODE:-1}"
      fi
    fi
    verb=$1; name=$2
    create() {
      if [ -e "$FAKE_STATE/res/$1" ]; then echo "ERROR: ($tool) Resource '$1' already exists" >&2; exit 1; fi
      mkdir -p "$FAKE_STATE/res"; echo "$1" > "$FAKE_STATE/res/$1"
      echo "$1" >> "$FAKE_STATE/created.log"
      echo "Created [$1]." >&2
    }
    case "$verb" in
      create) create "$name" ;;
      describe) [ -e "$FAKE_STATE/res/$name" ] && cat "$FAKE_STATE/res/$name" ;;
      delete)
        if [ ! -e "$FAKE_STATE/res/$name" ]; then echo "ERROR: ($tool) NOT_FOUND: $name" >&2; exit 1; fi
        rm "$FAKE_STATE/res/$name"; echo "$name" >> "$FAKE_STATE/deleted.log" ;;
      list) [ -e "$FAKE_STATE/res/$name" ] && echo "$name"; exit 0 ;;
      print) shift; echo "$@" ;;
      show) cat "$FAKE_STATE/$name" ;;
      slowcreate)
        if [ -e "$FAKE_STATE/slow-$name" ]; then create "$name"; exit 0; fi
        touch "$FAKE_STATE/slow-$name"
        [ "$4" = before ] && create "$name"
        echo $$ > "$FAKE_STATE/leader.pid"
        sleep "$3" & echo $! > "$FAKE_STATE/child.pid"; wait
        [ "$4" = after ] && create "$name" ;;
      sleep) echo $$ > "$FAKE_STATE/leader.pid"; sleep "$name" & echo $! > "$FAKE_STATE/child.pid"; wait ;;
      lines) seq 1 "$name" ;;
      *) echo "fake $tool: unknown verb $verb" >&2; exit 2 ;;
    esac
    """#

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("setup-runner-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        for tool in ["gcloud", "kubectl", "helm"] {
            let path = bin.appendingPathComponent(tool).path
            try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The environment overrides that put the fakes first and keep real gcloud/kubectl config out of reach.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "FAKE_STATE": state.path,
            "CLOUDSDK_CONFIG": root.appendingPathComponent("gcloud-config").path,
            "KUBECONFIG": root.appendingPathComponent("kubeconfig").path,
            "FAKE_FAIL": "", "FAKE_FAIL_TEXT": "", "FAKE_FAIL_TIMES": "",
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    func options(_ extra: [String: String] = [:]) -> RunOptions {
        var options = RunOptions()
        options.environment = environment(extra)
        options.retryDelayScale = 0
        options.gracePeriodSeconds = 1
        // The hand-made plans name no needs: one step after another, as their tests expect (GraphRunTests run several).
        options.concurrency = 1
        return options
    }

    func calls() -> [String] { lines("calls.log") }
    func created() -> [String] { lines("created.log") }
    func deleted() -> [String] { lines("deleted.log") }
    func pid(_ name: String) -> pid_t? {
        (try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func lines(_ name: String) -> [String] {
        ((try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The setup plan's shape with fake commands: checks, creates with probes, a captured value used later, a retried wait.
    static func plan(waitRetry: RetryPolicy? = RetryPolicy(attempts: 3, initialDelaySeconds: 1, maxDelaySeconds: 2)) -> Plan {
        let steps = [
            Step(id: .checkGcloud, title: "Check the gcloud account", why: "w", argv: ["gcloud", "print", "alice@example.com"],
                 success: .nonEmpty, kind: .check),
            Step(id: .enableAPIs, title: "Enable the APIs", why: "w", argv: ["gcloud", "create", "apis"],
                 probe: Probe(argv: ["gcloud", "describe", "apis"]), kind: .configure),
            Step(id: .createCluster, title: "Create the GKE cluster", why: "w", argv: ["gcloud", "create", "cluster"],
                 probe: Probe(argv: ["gcloud", "describe", "cluster"], expect: .equals("cluster")), kind: .create,
                 timeoutSeconds: 1800),
            Step(id: .readProjectNumber, title: "Read the project number", why: "w", argv: ["gcloud", "print", "123456789"],
                 captures: [Placeholder.projectNumber], kind: .check),
            Step(id: .createIAMServiceAccount, title: "Create the IAM service account", why: "w",
                 argv: ["gcloud", "create", "sa-${PROJECT_NUMBER}"],
                 probe: Probe(argv: ["gcloud", "describe", "sa-${PROJECT_NUMBER}"]), kind: .create),
            Step(id: .bindWorkloadIdentity, title: "Bind Workload Identity", why: "w", argv: ["kubectl", "create", "binding-${PROJECT_NUMBER}"],
                 probe: Probe(argv: ["kubectl", "describe", "binding-${PROJECT_NUMBER}"]), kind: .configure),
            Step(id: .installOperator, title: "Install the KubeRay operator", why: "w", argv: ["helm", "create", "operator"],
                 probe: Probe(argv: ["helm", "describe", "operator"]), kind: .create),
            Step(id: .waitHead, title: "Wait for the Ray head pod", why: "w", argv: ["kubectl", "print", "condition", "met"],
                 success: .containsAll(["met"]), kind: .verify, retry: waitRetry),
        ]
        return Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "")
    }

    static func plan(_ steps: [Step]) -> Plan { Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "") }

    /// A runner for `plan` in this fake world's workspace.
    func runner(_ plan: Plan, extra: [String: String] = [:], configure: (inout RunOptions) -> Void = { _ in }) -> SetupRunner {
        var options = options(extra)
        configure(&options)
        return SetupRunner(plan: plan, workspace: workspace, options: options)
    }
}

/// Whether `pid` is a live process (a zombie counts as gone: it runs nothing).
func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state != "Z" && state != "X"
}
