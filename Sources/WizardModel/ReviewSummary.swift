import Foundation
import SetupPlan

/// The answers in a few labelled lines, above the preview tabs.
public enum ReviewSummary {
    /// One line: what it is about, and the answers for it.
    public struct Row: Equatable, Sendable {
        public var label: String
        public var value: String
    }

    /// The Operator line's label, which the review marks when the chosen install needs a tool not found here.
    public static let operatorLabel = "Operator"

    /// At most `Layout.reviewSummaryRows` lines.
    static func rows(_ plan: Plan) -> [Row] {
        let a = plan.answers
        let cluster: String
        switch a.cluster.mode {
        case .createStandard:
            cluster = "create Standard \(a.cluster.name) in \(a.clusterLocation)"
        case .createAutopilot:
            cluster = "create Autopilot \(a.cluster.name) in \(a.clusterLocation)"
        case .existing:
            cluster = "use existing \(a.cluster.name) in \(a.clusterLocation)\(a.cluster.autopilot ? " (Autopilot)" : "")"
        }
        let ksa = "\(a.identity.namespace)/\(a.identity.kubernetesServiceAccount)"
        let identity = a.identity.mode == .direct
            ? "KSA \(ksa) granted directly (Workload Identity principal)"
            : "KSA \(ksa) acting as IAM service account \(a.resolvedIAMServiceAccount)"
        let role = a.bucket.role.rawValue.replacingOccurrences(of: "roles/storage.", with: "")
        let bucket = a.bucket.create
            ? "create gs://\(a.bucket.name) in \(a.resolvedBucketLocation), grant \(role)"
            : "use gs://\(a.bucket.name), grant \(role)"
        // An existing cluster's own location leaves the zone unused.
        let zone = a.cluster.mode == .existing && a.cluster.location != nil ? "" : ", zone \(a.zone)"
        return [
            Row(label: "Project", value: "\(a.project)\(zone)"),
            Row(label: "Cluster", value: cluster),
            Row(label: operatorLabel, value: a.operator.rawValue),
            Row(label: "Identity", value: identity),
            Row(label: "Bucket", value: bucket),
            Row(label: "Ray", value: "\(a.ray.clusterName): \(a.resolvedImage), head \(a.ray.headCPU) CPU/\(a.ray.headMemory), "
                + (a.ray.auth == .token ? "token auth" : "no auth")),
            Row(label: "Workers", value: workers(a)),
        ]
    }

    /// Each group as `NAME R (MIN-MAX) x CPU/MEMORY[ + N GPU (pool P)]`, then whether the autoscaler runs.
    public static func workers(_ a: Answers) -> String {
        guard !a.ray.workers.isEmpty else { return "none (the head alone runs Ray work)" }
        let pools = Set(a.gpuNodePoolGroups.map(\.name))
        let groups = a.ray.workers.map { group in
            var text = "\(group.name) \(group.replicas) (\(group.minReplicas)-\(group.maxReplicas)) x \(group.cpu) CPU/\(group.memory)"
            if let gpu = group.gpu {
                text += " + \(gpu.count) \(gpu.type)" + (pools.contains(group.name) ? " (node pool \(group.nodePoolName))" : "")
            }
            return text
        }
        return groups.joined(separator: "; ") + (a.ray.autoscaling ? "; autoscaling" : "; fixed size")
    }
}
