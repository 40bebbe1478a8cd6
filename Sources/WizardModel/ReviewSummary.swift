import SetupPlan

/// The answers in a few lines, above the preview tabs.
enum ReviewSummary {
    /// At most `Layout.reviewSummaryRows` lines.
    static func lines(_ plan: Plan) -> [String] {
        let a = plan.answers
        let cluster: String
        switch a.cluster.mode {
        case .createStandard:
            let c = a.cluster
            let nodes = c.numNodes == 1 ? "1 node" : "\(c.numNodes) nodes"
            cluster = "create Standard \(c.name) in \(a.clusterLocation): \(c.machineType), \(nodes), autoscaling \(c.minNodes)-\(c.maxNodes)"
        case .createAutopilot:
            cluster = "create Autopilot \(a.cluster.name) in \(a.clusterLocation)"
        case .existing:
            cluster = "use existing \(a.cluster.name) in \(a.clusterLocation)"
        }
        let ksa = "\(a.identity.namespace)/\(a.identity.kubernetesServiceAccount)"
        let identity = a.identity.mode == .direct
            ? "KSA \(ksa) granted directly (Workload Identity principal)"
            : "KSA \(ksa) acts as \(a.iamServiceAccountEmail)"
        let bucket = a.bucket.create
            ? "create gs://\(a.bucket.name) in \(a.resolvedBucketLocation), grant \(a.bucket.role.rawValue)"
            : "use gs://\(a.bucket.name), grant \(a.bucket.role.rawValue)"
        return [
            "Project   \(a.project), zone \(a.zone)",
            "Cluster   \(cluster)",
            "Operator  \(a.operator.rawValue)",
            "Identity  \(identity)",
            "Bucket    \(bucket)",
            "Ray       \(a.ray.clusterName): \(a.resolvedImage), head \(a.ray.headCPU) CPU, \(a.ray.headMemory)",
        ]
    }
}
