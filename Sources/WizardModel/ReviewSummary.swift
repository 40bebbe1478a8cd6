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

    /// Every line: a label's first line, then its further lines (one per worker group, where the bucket is mounted)
    /// with an empty label. `fitted` cuts them to the screen.
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
        let ray = "\(a.ray.clusterName): \(a.resolvedImage), head \(a.ray.headCPU) CPU/\(a.ray.headMemory), "
            + (a.ray.auth == .token ? "token auth" : "no auth") + (a.ray.networkPolicy ? ", network policy" : "")
        let groups = workerGroups(a)
        return [
            Row(label: "Project", value: "\(a.project)\(zone)"),
            Row(label: "Cluster", value: cluster),
            Row(label: operatorLabel, value: a.operator.rawValue),
            Row(label: "Identity", value: identity),
            Row(label: bucketLabel, value: bucket),
        ] + (a.bucket.mount ? [Row(label: "", value: "mounted at \(a.bucket.mountPath) in every Ray container")] : []) + [
            Row(label: "Ray", value: ray),
            Row(label: workersLabel, value: groups.first ?? noWorkers),
        ] + groups.dropFirst().map { Row(label: "", value: $0) }
    }

    /// The Bucket line's label.
    static let bucketLabel = "Bucket"
    /// The Workers line's label: its further lines are the other groups.
    static let workersLabel = "Workers"

    /// `rows` with values wrapped at `width`, in at most `limit` lines: when the worker groups (the last lines) do not
    /// fit, the last line says so.
    public static func fitted(_ rows: [Row], width: Int, limit: Int) -> [Row] {
        let lines = rows.flatMap { row in
            TextWrap.wrap(row.value, width: max(1, width)).enumerated().map { Row(label: $0.offset == 0 ? row.label : "", value: $0.element) }
        }
        guard lines.count > limit, limit > 1 else { return Array(lines.prefix(max(0, limit))) }
        return Array(lines.prefix(limit - 1)) + [Row(label: "", value: "and more groups: the Commands tab lists every one")]
    }

    /// Each group as `NAME R (MIN-MAX autoscaled) x CPU/MEMORY[ + N GPU (node pool P)]`; without the autoscaler the
    /// group keeps its R pods, so no range.
    static func workerGroups(_ a: Answers) -> [String] {
        let pools = Set(a.gpuNodePoolGroups.map(\.name))
        return a.ray.workers.map { group in
            let range = a.ray.autoscaling ? " (\(group.minReplicas)-\(group.maxReplicas) autoscaled)" : ""
            var text = "\(group.name) \(group.replicas)\(range) x \(group.cpu) CPU/\(group.memory)"
            if let gpu = group.gpu {
                text += " + \(gpu.count) \(gpu.type)" + (pools.contains(group.name) ? " (node pool \(group.nodePoolName))" : "")
            }
            return text
        }
    }

    /// The groups on one line (plain mode's page of worker groups).
    public static func workers(_ a: Answers) -> String {
        a.ray.workers.isEmpty ? noWorkers : workerGroups(a).joined(separator: "; ")
    }

    private static let noWorkers = "none (the head alone runs Ray work)"
}
