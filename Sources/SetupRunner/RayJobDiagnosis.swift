import Foundation
import RunModel
import SetupPlan

/// Why the operator check's RayJob did not succeed, from what `kubectl get rayjob -o json` and its submitter's
/// `kubectl get pods -o json` read. KubeRay writes a RayJob's jobStatus only from the dashboard's answers: a job whose
/// submitter has finished while its status is still unread is the sign of an operator the NetworkPolicy keeps out
/// (KubeRay then only logs "Failed to get job info" and tries again; the RayJob has no message or Event). Pure.
enum RayJobDiagnosis {
    /// The hint for the check's RayJob, or nil when the RayJob cannot be read (the caller keeps its generic hint).
    static func hint(_ wait: RayJobWait, job: String, pods: String, answers: Answers, workspace: String) -> Hint? {
        guard let read = try? JSONDecoder().decode(RayJob.self, from: Data(job.utf8)) else { return nil }
        let status = read.status ?? Status()
        let submitters = (try? JSONDecoder().decode(PodList.self, from: Data(pods.utf8)))?.items ?? []
        let finished = submitters.first { $0.status?.phase == "Succeeded" }
        let scope = "--namespace \(ShellQuote.quote(wait.namespace)) --context \(ShellQuote.quote(answers.kubeContext))"
        let logs = "kubectl logs -l batch.kubernetes.io/job-name=\(wait.name) \(scope)"
        if status.jobStatus == "FAILED" || status.jobDeploymentStatus == "Failed" {
            let message = (status.message ?? "").split(whereSeparator: \.isNewline).prefix(3).joined(separator: " ")
            return Hint(summary: "The check RayJob \(wait.name) failed" + (status.reason.map { " (\($0))" } ?? "")
                            + (message.isEmpty ? "." : ": \(message)"),
                        fix: "Its submitter's log says more: \(logs). Then resume (\(WorkspaceFiles.resumeCommand(workspace: workspace))): "
                            + "the check starts again.")
        }
        if let finished {
            return unreached(wait, status: status, pod: finished.metadata.name, answers: answers, workspace: workspace)
        }
        let state = submitters.first.map { "its submitter pod \($0.metadata.name) is \($0.status?.phase ?? "not started")" }
            ?? "KubeRay made no submitter pod (jobDeploymentStatus \(status.jobDeploymentStatus ?? "unset"))"
        return Hint(summary: "The check RayJob \(wait.name) did not finish: \(state).",
                    fix: "kubectl describe rayjob \(wait.name) \(scope) shows the operator's events, and \(logs) the submitter's log; "
                        + "when the cause is fixed, resume (\(WorkspaceFiles.resumeCommand(workspace: workspace))): the check starts again.")
    }

    /// The Ray job ran, yet KubeRay never read its status: the operator does not reach the dashboard.
    private static func unreached(_ wait: RayJobWait, status: Status, pod: String, answers: Answers, workspace: String) -> Hint {
        let recorded = "jobDeploymentStatus \(status.jobDeploymentStatus ?? "unset"), jobStatus "
            + (status.jobStatus.map { $0.isEmpty ? "empty" : $0 } ?? "empty")
        let peer = OperatorCheck.operatorPeer(answers)
        let assumption: String
        switch answers.operator {
        case .gkeAddon: assumption = ", where the wizard assumes GKE runs its Ray operator (operator gke-addon)"
        case .helm: assumption = ", where Helm installed the operator (the kube context's namespace)"
        case .installed: assumption = ""
        }
        let rule = NetworkPolicyManifest.operatorNamespace(answers) != nil
            ? "put its namespace in that rule of \(WorkspaceFiles.networkPolicy) (namespaceSelector matchLabels "
                + "\(NetworkPolicyManifest.namespaceNameLabel): NAMESPACE)"
            : "make that rule of \(WorkspaceFiles.networkPolicy) match it (its namespace in the namespaceSelector, its pods' labels in the podSelector)"
        return Hint(
            summary: "The check RayJob \(wait.name) ran (its submitter pod \(pod) finished), but KubeRay never recorded its status "
                + "(\(recorded)): the operator's calls to the Ray dashboard (port \(RayClusterManifest.dashboardPort)) do not get "
                + "through \(WorkspaceFiles.networkPolicy), whose rule for the operator admits \(peer)\(assumption). Every RayJob, "
                + "submit's included, would hang the same way.",
            fix: "See where the operator runs: \(OperatorCheck(answers).operatorPodsCommand). Then \(rule) and resume "
                + "(\(WorkspaceFiles.resumeCommand(workspace: workspace))): it applies \(WorkspaceFiles.networkPolicy) again and "
                + "starts a new check. If no operator pod is listed, it does not run in the cluster's pod network: answer "
                + "ray.networkPolicy false.")
    }

    private struct RayJob: Decodable {
        var status: Status?
    }

    struct Status: Decodable {
        var jobDeploymentStatus: String?
        var jobStatus: String?
        var reason: String?
        var message: String?
    }

    private struct PodList: Decodable {
        var items: [Pod]
    }

    private struct Pod: Decodable {
        struct Metadata: Decodable { var name: String }
        struct PodStatus: Decodable { var phase: String? }
        var metadata: Metadata
        var status: PodStatus?
    }
}
