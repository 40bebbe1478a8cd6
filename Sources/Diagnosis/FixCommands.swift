import SetupPlan

/// The commands that repair a link: the setup plan's own steps, taken by id, so each command is spelled once.
///
/// Two plans: the one for the answers as given (it creates what is missing) and the same answers for the cluster
/// as an existing one, whose plan holds the updates that turn Workload Identity, the metadata server and the Ray
/// add-on on for a cluster that is already there.
struct FixCommands: Sendable {
    let answers: Answers
    /// The steps of the plan for the answers, and for the same answers on an existing cluster.
    private let steps: [Step]
    private let existingClusterAnswers: Answers
    private let existingClusterSteps: [Step]

    init(_ answers: Answers) {
        self.answers = answers
        steps = PlanBuilder.steps(answers, checkScript: "")
        var existing = answers
        if existing.cluster.mode != .existing {
            existing.cluster.location = answers.clusterLocation
            existing.cluster.autopilot = answers.isAutopilot
            existing.cluster.mode = .existing
        }
        existingClusterAnswers = existing
        existingClusterSteps = PlanBuilder.steps(existing, checkScript: "")
    }

    private func find(_ id: StepID) -> Step? {
        steps.first { $0.id == id } ?? existingClusterSteps.first { $0.id == id }
    }

    /// The argv of the plan's step `id` (`${PROJECT_NUMBER}` filled in when known). A link names a step that the
    /// answers it applies to always plan: one the plans lack is a bug, which stops a debug build (the tests) rather
    /// than leaving the fix out unnoticed; see `planned` for a step the answers may leave out.
    func step(_ id: StepID, projectNumber: String? = nil) -> [[String]] {
        guard let step = find(id) else {
            assertionFailure("doctor's fix names the step \(id), which the plans for these answers do not have")
            return []
        }
        guard let number = projectNumber else { return [step.argv] }
        return [step.argv.map { Placeholder.substitute($0, [Placeholder.projectNumber: number]) }]
    }

    /// The argv of the plan's step `id` where the answers may leave it out (the cluster or bucket already exists).
    func planned(_ id: StepID) -> [[String]] {
        find(id).map { [$0.argv] } ?? []
    }

    /// The node-pool switch to the GKE metadata server for `pool`: the plan's step for an existing Standard cluster
    /// (the cluster said it is Standard, whatever the answers say), for that pool.
    func metadataServer(pool: String) -> [[String]] {
        var standard = existingClusterAnswers
        standard.cluster.autopilot = false
        let planned = standard.resolvedNodePool
        return FixCommands(standard).step(.enableGKEMetadata).map { argv in argv.map { $0 == planned ? pool : $0 } }
    }

    /// Restarts the Ray pods (of one group, or all) so they start again with the current template and KSA; the
    /// KubeRay operator creates them anew.
    func restartPods(group: String?) -> [String] {
        let selector = "ray.io/cluster=\(answers.ray.clusterName)" + (group.map { $0 == "head" ? ",ray.io/node-type=head" : ",ray.io/group=\($0)" } ?? "")
        return Commands(answers).kubectl(["delete", "pod", "--namespace", answers.identity.namespace, "-l", selector])
    }
}
