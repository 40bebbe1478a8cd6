/// Builds the destroy plan from the setup plan and what the setup journal says each step did. Pure.
public enum DestroyPlanBuilder {
    /// Removes what the run made (`done`, or `attempted`: probed first, so a thing never made is skipped), keeps what it
    /// found and what it only changed, and deletes the bucket only when asked. The setup's answers stay the plan's.
    public static func build(setup: Plan, records: [StepID: SetupRecord], options: DestroyOptions) -> DestroyPlan {
        let a = setup.answers
        let c = Commands(a)
        var teardowns: [Teardown] = []
        var kept: [KeptItem] = []
        // Node pools the run added to a cluster it deletes: gone with the cluster, so named by its deletion.
        var poolsWithCluster: [String] = []
        let made = { (step: Step) -> Bool in [.done, .attempted].contains(records[step.id] ?? .notRun) }
        let deletesCluster = setup.steps.contains { $0.teardown?.phase == .cluster && made($0) }

        for step in setup.steps {
            let record = records[step.id] ?? .notRun
            guard let teardown = step.teardown else {
                if step.kind == .update && record == .done {
                    kept.append(KeptItem(subject: step.title, why: "changed, not created: left as it is"))
                } else if step.kind == .create && record == .found {
                    kept.append(KeptItem(subject: step.title, why: "it was there before this workspace's run"))
                }
                continue
            }
            switch record {
            case .notRun:
                continue
            case .found:
                kept.append(KeptItem(subject: teardown.subject.capitalizedFirst, why: "it was there before this workspace's run"))
            case .done, .attempted:
                if teardown.phase == .bucket && !options.deleteBucket {
                    kept.append(KeptItem(subject: teardown.subject.capitalizedFirst,
                                         why: "it holds your data; --delete-bucket deletes it with its objects"))
                } else if teardown.phase == .nodePool && deletesCluster, case .deleteNodePool(let pool) = teardown.id {
                    poolsWithCluster.append(pool)
                } else {
                    teardowns.append(teardown)
                }
            }
        }
        if !poolsWithCluster.isEmpty, let cluster = teardowns.firstIndex(where: { $0.phase == .cluster }) {
            teardowns[cluster].subject += " with its node pool\(poolsWithCluster.count == 1 ? "" : "s") \(poolsWithCluster.joined(separator: ", "))"
        }
        if a.cluster.mode == .existing {
            kept.insert(KeptItem(subject: "The GKE cluster \(a.cluster.name)", why: "an existing cluster (cluster.mode existing): never deleted"), at: 0)
        }
        if !a.bucket.create {
            kept.append(KeptItem(subject: "The bucket gs://\(a.bucket.name)", why: "an existing bucket (bucket.create false): never deleted"))
        }
        // Stable: deletions of one phase keep the setup's order.
        let ordered = teardowns.enumerated().sorted { ($0.element.phase, $0.offset) < ($1.element.phase, $1.offset) }.map(\.element)
        // A deletion two teardowns share (the token Secret: its own, and the RayCluster's after its pods) runs once, at
        // its last place.
        var seen = Set<StepID>()
        var steps = Array(ordered.flatMap(\.steps).reversed().filter { seen.insert($0.id).inserted }.reversed())

        // Values a delete needs (the project number of a direct principal) are read again, by the setup step that reads them.
        let needed = Set(steps.flatMap(\.placeholders))
        let readers = setup.steps.filter { !Set($0.captures).isDisjoint(with: needed) }
        if deletesCluster && !options.force {
            steps.insert(workloadCheck(a, c), at: 0)
        }
        steps.insert(contentsOf: readers, at: 0)
        let deletesBucket = ordered.contains { $0.phase == .bucket }
        return DestroyPlan(plan: Plan(answers: a, steps: steps, manifest: "", checkScript: ""), kept: kept,
                           deletesBucket: deletesBucket, bucketContents: c.bucketContents)
    }

    /// Namespaces GKE runs its own pods in; pods there are not the user's workloads.
    static let systemNamespaces = [
        "kube-system", "kube-public", "kube-node-lease", "gmp-system", "gmp-public", "gke-gmp-system",
        "gke-managed-system", "gke-managed-cim", "gke-managed-filestorecsi", "gke-managed-parallelstorecsi",
    ]

    /// Fails, listing them, when pods other than the Ray cluster's and the operator's run in the cluster to be deleted.
    private static func workloadCheck(_ a: Answers, _ c: Commands) -> Step {
        let fields = (systemNamespaces.map { "metadata.namespace!=\($0)" } + ["status.phase!=Succeeded", "status.phase!=Failed"])
            .joined(separator: ",")
        return Step(id: .checkClusterUnused, title: "Check that nothing else runs in the cluster",
                    why: "Deleting the cluster deletes every workload in it: destroy stops when pods other than the Ray "
                        + "cluster's run (they are listed); remove them, or use --force to delete the cluster with them.",
                    argv: c.kubectl(["get", "pods", "--all-namespaces", "--field-selector", fields,
                                     "-l", "ray.io/cluster!=\(a.ray.clusterName),app.kubernetes.io/name!=kuberay-operator", "-o", "name"]),
                    success: .not(.nonEmpty), kind: .check, timeoutSeconds: 120)
    }
}

extension String {
    /// The string with its first letter in upper case ("the cluster" -> "The cluster").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
