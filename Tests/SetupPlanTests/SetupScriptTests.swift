import Foundation
import SetupPlan
import TestKit
import XCTest

final class SetupScriptTests: XCTestCase {
    func testBashAcceptsTheScriptOfEveryCombination() throws {
        for combo in Combination.all {
            let script = SetupScript.render(combo.plan())
            XCTAssertTrue(script.hasPrefix("#!/usr/bin/env bash\n"))
            XCTAssertTrue(script.contains("set -euo pipefail"))
            let result = try runProcess("/bin/bash", ["-n"], stdin: script)
            XCTAssertEqual(result.status, 0, "\(combo): bash -n: \(result.stderr)")
        }
    }

    func testEveryStepIsCommentedAndGuarded() {
        let plan = Combination(cluster: .createStandard, op: .helm, identity: .direct).plan()
        let script = SetupScript.render(plan)
        for (i, step) in plan.steps.enumerated() {
            XCTAssertTrue(script.contains("# [\(i + 1)/\(plan.steps.count)] \(step.title)\n# Why: \(step.why)\n"), step.id.rawValue)
            if let probe = step.probe {
                XCTAssertTrue(script.contains(ShellQuote.join(probe.argv)), "\(step.id) is guarded by its probe")
            }
        }
        XCTAssertTrue(script.contains("PROJECT_NUMBER=$(gcloud projects describe demo-project --format 'value(projectNumber)')"))
    }

    /// Runs the script for real against fake gcloud/kubectl/helm that record what they are asked to do:
    /// the first run creates everything, the second creates nothing because every probe says "done".
    func testScriptIsIdempotentAgainstFakeTools() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("setup-sh-\(UUID().uuidString)")
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // One fake for all three tools: "create"-like calls touch a marker; describe/get/list calls answer
        // from the markers, printing what the probes expect.
        let fake = #"""
        #!/usr/bin/env bash
        state="$FAKE_STATE"; tool=$(basename "$0"); args="$*"
        echo "$tool $args" >> "$state/calls.log"
        key() { printf '%s' "$1" | tr -c 'a-zA-Z0-9' '_'; }
        case "$tool $args" in
          "gcloud config get-value account") echo tester@example.com ;;
          "gcloud projects describe"*projectNumber*) echo 123456789012 ;;
          "gcloud projects describe"*) echo demo-project ;;
          "gcloud services enable"*) touch "$state/apis" ;;
          "gcloud services list"*) [ -f "$state/apis" ] && printf '%s\n' container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com ;;
          "gcloud container clusters create"*) touch "$state/cluster"; echo "CREATE cluster" >> "$state/creates.log" ;;
          "gcloud container clusters describe"*"value(status)"*) [ -f "$state/cluster" ] && echo RUNNING || exit 1 ;;
          "gcloud container clusters describe"*) [ -f "$state/cluster" ] && echo cloud-bucket-cluster || exit 1 ;;
          "gcloud storage buckets create"*) touch "$state/bucket"; echo "CREATE bucket" >> "$state/creates.log" ;;
          "gcloud storage buckets describe"*) [ -f "$state/bucket" ] && echo my-bucket || exit 1 ;;
          "gcloud storage buckets add-iam-policy-binding"*) echo "roles/storage.objectUser	$(echo "$args" | grep -o 'principal://[^ ]*')" > "$state/member" ;;
          "gcloud storage buckets get-iam-policy"*) cat "$state/member" 2>/dev/null ;;
          "kubectl create serviceaccount"*) touch "$state/ksa"; echo "CREATE ksa" >> "$state/creates.log" ;;
          "kubectl get serviceaccount"*) [ -f "$state/ksa" ] || exit 1 ;;
          "kubectl get crd"*) echo v1 ;;
          "helm install"*) touch "$state/helm"; echo "CREATE operator" >> "$state/creates.log" ;;
          "helm status"*) [ -f "$state/helm" ] || exit 1 ;;
          "kubectl exec"*) printf 'headgroup raycluster-mini-head-x7k2p ok\nhead ok\n' ;;
          *) : ;;
        esac
        """#
        for tool in ["gcloud", "kubectl", "helm", "gke-gcloud-auth-plugin"] {
            let url = bin.appendingPathComponent(tool)
            try fake.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let plan = Combination(cluster: .createStandard, op: .helm, identity: .direct).plan()
        let script = dir.appendingPathComponent("setup.sh")
        try SetupScript.render(plan).write(to: script, atomically: true, encoding: .utf8)
        let env = ["PATH": "\(bin.path):/usr/bin:/bin", "FAKE_STATE": dir.path, "HOME": dir.path]

        let first = try runProcess("/bin/bash", [script.path], env: env)
        XCTAssertEqual(first.status, 0, first.stderr + first.stdout)
        XCTAssertTrue(first.stdout.contains("All steps done."))
        let creates = try String(contentsOf: dir.appendingPathComponent("creates.log"), encoding: .utf8)
        XCTAssertEqual(creates, "CREATE bucket\nCREATE cluster\nCREATE operator\nCREATE ksa\n")
        let member = try String(contentsOf: dir.appendingPathComponent("member"), encoding: .utf8)
        XCTAssertTrue(member.contains("principal://iam.googleapis.com/projects/123456789012/"), "the project number was captured and substituted")

        let second = try runProcess("/bin/bash", [script.path], env: env)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("creates.log"), encoding: .utf8), creates, "a second run creates nothing")
        XCTAssertTrue(second.stdout.contains("Create the GKE Standard cluster: already done"))
    }
}
