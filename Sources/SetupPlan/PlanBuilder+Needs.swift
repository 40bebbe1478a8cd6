/// What each step of a setup plan needs done before it can start: the graph `apply` walks.
extension PlanBuilder {
    /// `steps` with their `needs` filled in: for each step the earlier steps whose effect it reads, without those
    /// another of its needs already waits for (so "after: create-cluster" rather than the whole chain).
    static func linkingNeeds(_ steps: [Step], _ a: Answers) -> [Step] {
        let present = Set(steps.map(\.id))
        let lane = clusterOperationLane(steps)
        var earlier: Set<StepID> = []
        var ancestors: [StepID: Set<StepID>] = [:]
        let linked = steps.map { step in
            var step = step
            let wanted = candidates(step.id, a) + (lane[step.id].map { [$0] } ?? [])
            var direct: [StepID] = []
            for id in wanted where present.contains(id) && earlier.contains(id) && !direct.contains(id) { direct.append(id) }
            let implied = direct.reduce(into: Set<StepID>()) { $0.formUnion(ancestors[$1] ?? []) }
            step.needs = direct.filter { !implied.contains($0) }
            ancestors[step.id] = direct.reduce(into: Set(direct)) { $0.formUnion(ancestors[$1] ?? []) }
            earlier.insert(step.id)
            return step
        }
        return restartingInOrder(linked)
    }

    /// The steps a resume runs again together (`restartsWith`) need the earlier of them directly: on resume their common
    /// ancestors are done, so only a direct need keeps them in order (a new check after the corrected policy).
    private static func restartingInOrder(_ steps: [Step]) -> [Step] {
        var steps = steps
        for restarts in steps.compactMap(\.restartsWith) {
            let group = steps.indices.filter { restarts.contains(steps[$0].id) }
            for (position, index) in group.enumerated() {
                for earlier in group.prefix(position) where !steps[index].needs.contains(steps[earlier].id) {
                    steps[index].needs.append(steps[earlier].id)
                }
            }
        }
        return steps
    }

    /// Whether `id` changes the cluster through a GKE operation: GKE runs one at a time per cluster and refuses a
    /// second ("Cluster is running incompatible operation"), so these run one after another, in plan order.
    static func isClusterOperation(_ id: StepID) -> Bool {
        switch id {
        case .createCluster, .enableWorkloadIdentity, .enableGKEMetadata, .enableRayAddon, .enableRayLogging,
             .enableRayMonitoring, .createNodePool, .enableGcsFuseAddon:
            return true
        default:
            return false
        }
    }

    /// For each cluster operation after the first, the step it waits for: the one before it (for the create, the
    /// wait until the cluster is RUNNING).
    private static func clusterOperationLane(_ steps: [Step]) -> [StepID: StepID] {
        var lane: [StepID: StepID] = [:]
        var previous: StepID?
        for step in steps {
            if step.id == .waitCluster, previous == .createCluster { previous = .waitCluster }
            guard isClusterOperation(step.id) else { continue }
            if let previous { lane[step.id] = previous }
            previous = step.id
        }
        return lane
    }

    /// The steps `id` may need, those the plan lacks left out by the caller: alternatives (an existing bucket's check
    /// or the bucket's create) are listed together.
    private static func candidates(_ id: StepID, _ a: Answers) -> [StepID] {
        // The cluster is there and running: a created one once RUNNING, an existing one once checked.
        let cluster: [StepID] = [.waitCluster, .checkClusterType]
        // The project's Workload Identity pool exists (IAM refuses a member of it before: "Identity Pool does not exist").
        let workloadPool: [StepID] = cluster + [.enableWorkloadIdentity]
        // Everything about the cluster the Ray pods rely on (the metadata server, the add-ons), but not the GPU pools.
        let clusterConfigured: [StepID] = [.enableWorkloadIdentity, .enableGKEMetadata, .enableRayAddon, .enableRayLogging,
                                           .enableRayMonitoring, .enableGcsFuseAddon]
        switch id {
        case .checkGcloud, .checkKubectl, .checkAuthPlugin, .checkHelm:
            return []
        case .checkProject:
            return [.checkGcloud]
        case .enableAPIs:
            return [.checkProject]
        case .createCluster, .checkCluster, .checkBucket:
            return [.enableAPIs]
        // An existing cluster's checks come first: a wrong answer about it stops the run before anything is made.
        case .createBucket:
            return [.enableAPIs, .checkClusterType, .checkPolicyEnforcement]
        case .checkClusterType, .checkPolicyEnforcement:
            return [.checkCluster]
        case .waitCluster:
            return [.createCluster]
        case .enableWorkloadIdentity, .enableGKEMetadata, .enableRayAddon, .enableRayLogging, .enableRayMonitoring,
             .createNodePool, .enableGcsFuseAddon:
            return cluster
        case .getCredentials:
            return cluster + [.checkKubectl, .checkAuthPlugin]
        case .helmRepo:
            return [.checkHelm]
        case .installOperator:
            return [.helmRepo, .getCredentials]
        case .checkCRD:
            return [.getCredentials, .installOperator, .enableRayAddon]
        case .createNamespace:
            return [.getCredentials]
        case .createKSA:
            return [.createNamespace, .getCredentials]
        case .readProjectNumber:
            return [.checkProject]
        case .createIAMServiceAccount:
            return [.checkProject, .checkClusterType, .checkPolicyEnforcement]
        case .bindWorkloadIdentity:
            return [.createIAMServiceAccount] + workloadPool
        case .annotateKSA:
            return [.createKSA]
        case .grantBucketRole:
            let grantee: [StepID] = [.createBucket, .checkBucket, .createIAMServiceAccount, .readProjectNumber]
            return grantee + (namesWorkloadPool(Commands(a).bucketMember, a) ? workloadPool : [])
        case .checkAuthOptions:
            return [.checkCRD]
        case .createAuthSecret:
            return [.checkAuthOptions, .createNamespace, .getCredentials]
        // Before the RayCluster, so the head pod is covered from its first moment.
        case .applyNetworkPolicy:
            return [.createNamespace, .getCredentials]
        case .applyRayCluster:
            return [.checkCRD, .createKSA, .annotateKSA, .checkAuthOptions, .createAuthSecret, .applyNetworkPolicy] + clusterConfigured
        case .waitHead:
            return [.applyRayCluster]
        case .waitWorkers:
            return [.applyRayCluster] + a.gpuNodePoolGroups.filter { a.alwaysRunningWorkerGroups.contains($0) }
                .map { StepID.createNodePool(group: $0.name) }
        case .verifyBucket:
            return [.waitHead, .waitWorkers, .grantBucketRole, .bindWorkloadIdentity, .annotateKSA]
        case .verifyMount:
            return [.verifyBucket]
        // The submitter runs as the KSA with the cluster's token, on a head the policy guards.
        case .startOperatorCheck:
            return [.waitHead, .applyNetworkPolicy, .createKSA, .annotateKSA, .createAuthSecret]
        case .checkOperatorReach:
            return [.startOperatorCheck]
        case .endOperatorCheck:
            return [.checkOperatorReach]
        case .checkClusterUnused, .deleteCluster, .waitClusterDeleted, .deleteNodePool, .uninstallOperator, .delete,
             .waitRayPodsGone, .deleteIAMServiceAccount, .unbindWorkloadIdentity, .unbindBucketRole, .deleteBucket:
            return []
        }
    }
}
