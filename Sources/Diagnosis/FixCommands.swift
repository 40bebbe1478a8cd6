import SetupPlan

/// The commands that repair a link: the setup plan's own steps, taken by id, so each command is spelled once.
///
/// Two plans: the one for the answers as given (it creates what is missing) and the same answers for the cluster
/// as an existing one, whose plan holds the updates that turn Workload Identity, the metadata server and the Ray
/// add-on on for a cluster that is already there.
struct FixCommands: Sendable {
    let plan: Plan
    let existingClusterPlan: Plan
    let answers: Answers

    init(_ answers: Answers) {
        self.answers = answers
        plan = PlanBuilder.build(answers, checkScript: "")
        var existing = answers
        if existing.cluster.mode != .existing {
            existing.cluster.location = answers.clusterLocation
            existing.cluster.autopilot = answers.isAutopilot
            existing.cluster.mode = .existing
        }
        existingClusterPlan = PlanBuilder.build(existing, checkScript: "")
    }

    /// The argv of the plan's step `id` (`${PROJECT_NUMBER}` filled in when known), or none.
    func step(_ id: String, projectNumber: String? = nil) -> [[String]] {
        guard let step = plan.step(id) ?? existingClusterPlan.step(id) else { return [] }
        guard let number = projectNumber else { return [step.argv] }
        return [step.argv.map { Placeholder.substitute($0, [Placeholder.projectNumber: number]) }]
    }

    /// The node-pool switch to the GKE metadata server for `pool` (the plan's step, for that pool).
    func metadataServer(pool: String) -> [[String]] {
        guard let argv = existingClusterPlan.step("enable-gke-metadata")?.argv else { return [] }
        let planned = answers.resolvedNodePool
        return [argv.map { $0 == planned ? pool : $0 }]
    }

    /// Restarts the Ray pods (of one group, or all) so they start again with the current template and KSA; the
    /// KubeRay operator creates them anew.
    func restartPods(group: String?) -> [String] {
        let selector = "ray.io/cluster=\(answers.ray.clusterName)" + (group.map { $0 == "head" ? ",ray.io/node-type=head" : ",ray.io/group=\($0)" } ?? "")
        return Commands(answers).kubectl(["delete", "pod", "--namespace", answers.identity.namespace, "-l", selector])
    }
}
