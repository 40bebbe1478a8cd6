/// The steps worker groups add: a GPU node pool per GPU group on Standard, and the wait for the workers that must run.
extension PlanBuilder {
    /// One node pool per GPU worker group on a Standard cluster (created or existing): GKE installs the driver,
    /// the pool runs the GKE metadata server the Ray pods select, and scales from 0 to one node per replica.
    static func gpuNodePools(_ a: Answers, _ c: Commands) -> [Step] {
        a.gpuNodePoolGroups.compactMap { group in
            guard let gpu = group.gpu, let machineType = GPUType.named(gpu.type)?.machineType(count: gpu.count) else { return nil }
            let pool = group.nodePoolName
            return Step(id: .createNodePool(group: group.name), title: "Create the GPU node pool \(pool) (\(gpu.count) x \(gpu.type))",
                        why: "The worker group \(group.name) needs \(gpu.type) nodes (\(machineType)), which GKE adds for pending pods "
                            + "up to \(group.maxReplicas) and removes when idle; \(GPUType.zoneCaveat).",
                        argv: c.nodePool("create", pool, [
                            "--machine-type", machineType,
                            "--accelerator", "type=\(gpu.type),count=\(gpu.count),gpu-driver-version=latest",
                            "--workload-metadata", "GKE_METADATA",
                            "--enable-autoscaling", "--num-nodes", "0", "--min-nodes", "0", "--max-nodes", String(group.maxReplicas),
                        ]),
                        // GKE answers 409 "Already exists" for a pool of that name at once.
                        probe: Probe(argv: c.nodePool("describe", pool, format: "value(name)"),
                                     expect: .equals(pool), onlyAfterAnEarlierStart: true),
                        kind: .create, timeoutSeconds: 1800, retry: clusterOperationWait, teardown: c.nodePoolTeardown(pool))
        }
    }

    /// Waits for the worker pods that always run (minReplicas > 0, or replicas without autoscaling); the others start
    /// when the autoscaler needs them, and the bucket check covers the Ray nodes alive when it runs.
    static func waitForWorkers(_ a: Answers, _ c: Commands) -> [Step] {
        let groups = a.alwaysRunningWorkerGroups
        guard !groups.isEmpty else { return [] }
        let selector = "ray.io/cluster=\(a.ray.clusterName),ray.io/node-type=worker,ray.io/group in (\(groups.map(\.name).joined(separator: ",")))"
        let gpu = groups.contains { $0.gpu != nil }
        return [Step(id: .waitWorkers, title: "Wait for the Ray worker pods to be Ready",
                     why: "Worker groups \(groups.map(\.name).joined(separator: ", ")) keep pods running"
                        + (gpu ? "; a GPU node takes several minutes to add." : "."),
                     argv: c.kubectl(["wait", "pod", "--for=condition=Ready", "-l", selector, "--namespace", a.identity.namespace,
                                      "--timeout=600s"]),
                     kind: .check, timeoutSeconds: 660,
                     retry: podsYet,
                     pods: c.podWait(.workers, groups: groups.compactMap { group in
                        a.ray.workers.firstIndex(of: group).map { PodWait.Group(name: group.name, index: $0) }
                     }, selector: selector))]
    }
}

extension Answers {
    /// The worker groups whose pods run from the start and stay: minReplicas > 0, or any replicas without autoscaling.
    public var alwaysRunningWorkerGroups: [WorkerGroup] {
        ray.workers.filter { ray.autoscaling ? $0.minReplicas > 0 : $0.replicas > 0 }
    }
}
