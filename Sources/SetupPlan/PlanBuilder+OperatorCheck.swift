/// With `ray.networkPolicy`: the steps that prove the KubeRay operator reaches the Ray dashboard through the policy.
extension PlanBuilder {
    static func operatorCheckSteps(_ a: Answers, _ c: Commands) -> [Step] {
        guard a.ray.networkPolicy else { return [] }
        let check = OperatorCheck(a)
        let ns = a.identity.namespace
        let peer = OperatorCheck.operatorPeer(a)
        let teardown = c.kubernetesTeardown(kind: .rayjob, name: check.name, namespace: ns, phase: .rayCluster,
                                            subject: "the check RayJob \(check.name)",
                                            why: "The setup's operator check made it; a run cut off before its end left it.")
        return [
            Step(id: .startOperatorCheck, title: "Start a RayJob that the KubeRay operator must follow",
                 why: "\(WorkspaceFiles.operatorCheck): a one-line Python job on \(a.ray.clusterName), submitted as the KSA; replace "
                    + "--force deletes one a cut-off run left, so each check starts afresh.",
                 argv: c.kubectl(["replace", "--force", "-f", WorkspaceFiles.operatorCheck]), files: [WorkspaceFiles.operatorCheck],
                 kind: .verify, timeoutSeconds: 120, teardown: teardown),
            Step(id: .checkOperatorReach, title: "Check the KubeRay operator reaches the Ray dashboard",
                 why: "KubeRay reads each RayJob's status from the dashboard (port \(RayClusterManifest.dashboardPort)), which "
                    + "\(WorkspaceFiles.networkPolicy) opens to the operator as \(peer); the job succeeds only if the operator gets through.",
                 argv: c.kubectl(["wait", "rayjob/\(check.name)", "--for=jsonpath={.status.jobStatus}=SUCCEEDED", "--namespace", ns,
                                  "--timeout=\(OperatorCheck.waitSeconds)s"]),
                 kind: .verify, timeoutSeconds: OperatorCheck.waitSeconds + 60, rayJob: check.wait,
                 restartsWith: [.applyNetworkPolicy, .startOperatorCheck]),
            Step(id: .endOperatorCheck, title: "Delete the check RayJob",
                 why: "It proved what it had to; its Ray job has ended.",
                 argv: c.kubectl(["delete", "rayjob", check.name, "--namespace", ns, "--ignore-not-found"]),
                 kind: .configure, timeoutSeconds: 120),
        ]
    }
}
