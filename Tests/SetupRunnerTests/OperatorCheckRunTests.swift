import Foundation
import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// The operator check's runner side: why its RayJob did not succeed (from the RayJob and its submitter's pods as
/// kubectl prints them) and the resume that starts a failed check afresh, the policy applied again first.
final class OperatorCheckRunTests: XCTestCase {
    private static func answers(_ configure: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        a.identity.namespace = "ray"
        a.ray.networkPolicy = true
        configure(&a)
        return a
    }

    private static let wait = OperatorCheck(answers()).wait

    /// The RayJob as `kubectl get rayjob -o json` prints it, with KubeRay's status fields.
    private static func job(_ status: String) -> String {
        #"{"apiVersion": "ray.io/v1", "kind": "RayJob", "metadata": {"name": "raycluster-mini-job-operator-check", "namespace": "ray"}, "status": {\#(status)}}"#
    }

    private static func pods(_ phases: [String]) -> String {
        let items = phases.enumerated().map { index, phase in
            #"{"metadata": {"name": "raycluster-mini-job-operator-check-x\#(index)", "namespace": "ray"}, "status": {"phase": "\#(phase)"}}"#
        }
        return #"{"apiVersion": "v1", "kind": "List", "items": [\#(items.joined(separator: ","))]}"#
    }

    func testAFinishedSubmitterWithAnUnreadStatusNamesThePolicysRuleAndTheAssumedNamespace() throws {
        let hint = try XCTUnwrap(RayJobDiagnosis.hint(
            Self.wait, job: Self.job(#""jobDeploymentStatus": "Running", "jobId": "x", "dashboardURL": "raycluster-mini-head-svc.ray.svc.cluster.local:8265""#),
            pods: Self.pods(["Succeeded"]), answers: Self.answers(), workspace: "/tmp/my setup"))
        XCTAssertEqual(hint.summary, "The check RayJob raycluster-mini-job-operator-check ran (its submitter pod raycluster-mini-job-operator-check-x0 "
            + "finished), but KubeRay never recorded its status (jobDeploymentStatus Running, jobStatus empty): the operator's calls to the Ray "
            + "dashboard (port 8265) do not get through networkpolicy.yaml, whose rule for the operator admits the namespace gke-managed-system, "
            + "where the wizard assumes GKE runs its Ray operator (operator gke-addon). Every RayJob, submit's included, would hang the same way.")
        XCTAssertEqual(hint.fix, "See where the operator runs: kubectl get pods --all-namespaces -l app.kubernetes.io/name=kuberay-operator "
            + "--context gke_demo-project_us-west1-b_cloud-bucket-cluster. Then put its namespace in that rule of networkpolicy.yaml "
            + "(namespaceSelector matchLabels kubernetes.io/metadata.name: NAMESPACE) and resume (kuberay-gcs-wizard resume --workspace "
            + "'/tmp/my setup'): it applies networkpolicy.yaml again and starts a new check. If no operator pod is listed, it does not run in "
            + "the cluster's pod network: answer ray.networkPolicy false.")
        // Helm's namespace is the kube context's; an operator installed by someone else is matched by its pods' label.
        let helm = try XCTUnwrap(RayJobDiagnosis.hint(Self.wait, job: Self.job(#""jobDeploymentStatus": "Running""#), pods: Self.pods(["Succeeded"]),
                                                      answers: Self.answers { $0.operator = .helm }, workspace: "w"))
        XCTAssertTrue(helm.summary.contains("admits the namespace default, where Helm installed the operator"), helm.summary)
        let installed = try XCTUnwrap(RayJobDiagnosis.hint(Self.wait, job: Self.job(#""jobDeploymentStatus": "Running""#), pods: Self.pods(["Succeeded"]),
                                                           answers: Self.answers { $0.operator = .installed }, workspace: "w"))
        XCTAssertTrue(installed.summary.contains("admits pods labelled app.kubernetes.io/name=kuberay-operator in any namespace."), installed.summary)
        XCTAssertTrue(installed.fix.contains("make that rule of networkpolicy.yaml match it"), installed.fix)
    }

    func testAFailedJobQuotesKubeRaysReasonAndAnUnstartedSubmitterSaysSo() throws {
        let failed = try XCTUnwrap(RayJobDiagnosis.hint(
            Self.wait, job: Self.job(#""jobDeploymentStatus": "Failed", "jobStatus": "FAILED", "reason": "AppFailed", "message": "Job entrypoint command failed with exit code 127, last available logs (truncated to 20,000 chars):\nbash: python: command not found""#),
            pods: Self.pods(["Succeeded"]), answers: Self.answers(), workspace: "w"))
        XCTAssertEqual(failed.summary, "The check RayJob raycluster-mini-job-operator-check failed (AppFailed): Job entrypoint command failed with exit "
            + "code 127, last available logs (truncated to 20,000 chars): bash: python: command not found")
        XCTAssertTrue(failed.fix.contains("kubectl logs -l batch.kubernetes.io/job-name=raycluster-mini-job-operator-check --namespace ray"), failed.fix)

        let pending = try XCTUnwrap(RayJobDiagnosis.hint(Self.wait, job: Self.job(#""jobDeploymentStatus": "Running""#), pods: Self.pods(["Pending"]),
                                                         answers: Self.answers(), workspace: "w"))
        XCTAssertEqual(pending.summary, "The check RayJob raycluster-mini-job-operator-check did not finish: its submitter pod "
            + "raycluster-mini-job-operator-check-x0 is Pending.")
        let none = try XCTUnwrap(RayJobDiagnosis.hint(Self.wait, job: Self.job(#""jobDeploymentStatus": "Initializing""#), pods: Self.pods([]),
                                                      answers: Self.answers(), workspace: "w"))
        XCTAssertTrue(none.summary.hasSuffix("KubeRay made no submitter pod (jobDeploymentStatus Initializing)."), none.summary)
        XCTAssertTrue(none.fix.hasPrefix("kubectl describe rayjob raycluster-mini-job-operator-check --namespace ray"), none.fix)
        XCTAssertNil(RayJobDiagnosis.hint(Self.wait, job: "Error from server", pods: Self.pods([]), answers: Self.answers(), workspace: "w"))
    }

    /// A check that failed (or was cut off) starts afresh on resume: the policy, which the person may have corrected, is
    /// applied again and a new RayJob replaces the old one; what else was done stays done.
    func testResumeAfterAFailedCheckAppliesThePolicyAgainAndStartsANewJob() throws {
        let plan = PlanBuilder.build(Self.answers(), checkScript: "print(1)")
        var journal = try Journal.prepare(existing: nil, mode: .fresh, plan: plan, normalizedAnswers: "a", journalPath: "j")
        let check = try XCTUnwrap(journal.steps.firstIndex { $0.id == .checkOperatorReach })
        for index in journal.steps.indices where index < check { journal.steps[index].status = .done }
        for status in [StepStatus.failed, .interrupted] {
            journal.steps[check].status = status
            let resumed = try Journal.prepare(existing: journal, mode: .resume, plan: plan, normalizedAnswers: "a", journalPath: "j")
            let pending = resumed.steps.filter { $0.status == .pending }.map(\.id)
            XCTAssertEqual(pending, [.applyNetworkPolicy, .startOperatorCheck, .endOperatorCheck], "\(status)")
            XCTAssertEqual(resumed.steps[check].status, status, "the check itself runs as a step not done")
        }
        // A check that passed leaves the policy and its job alone.
        journal.steps[check].status = .done
        let passed = try Journal.prepare(existing: journal, mode: .resume, plan: plan, normalizedAnswers: "a", journalPath: "j")
        XCTAssertEqual(passed.steps.filter { $0.status == .pending }.map(\.id), [.endOperatorCheck])
    }
}
