import SetupPlan

/// One page of questions: a topic and the answer fields it asks, in order.
public struct WizardPage: Equatable, Sendable {
    public var title: String
    /// Short name for the progress indicator.
    public var shortTitle: String
    /// Key paths into `AnswerFields`.
    public var paths: [String]
    /// The page also asks every worker group's fields (`ray.workers[N].KEY`), after `paths`; groups are added and removed there.
    public var listsWorkerGroups = false

    /// The pages in the order they are asked.
    public static let all: [WizardPage] = [
        WizardPage(title: "Project and location", shortTitle: "Project", paths: ["project", "zone"]),
        WizardPage(title: "Cluster", shortTitle: "Cluster", paths: [
            "cluster.mode", "cluster.name", "cluster.location", "cluster.autopilot", "cluster.nodePool",
            "cluster.machineType", "cluster.numNodes", "cluster.minNodes", "cluster.maxNodes",
        ]),
        // The add-on's options sit with the choice of the add-on (they show only with it).
        WizardPage(title: "KubeRay operator", shortTitle: "Operator", paths: ["operator", "cluster.rayClusterLogging", "cluster.rayClusterMonitoring"]),
        WizardPage(title: "Identity", shortTitle: "Identity", paths: [
            "identity.mode", "identity.namespace", "identity.kubernetesServiceAccount", "identity.iamServiceAccount",
        ]),
        WizardPage(title: "Bucket", shortTitle: "Bucket", paths: [
            "bucket.create", "bucket.name", "bucket.location", "bucket.role", "bucket.mount", "bucket.mountPath",
        ]),
        WizardPage(title: "Ray cluster", shortTitle: "Ray", paths: [
            "ray.clusterName", "ray.version", "ray.image", "ray.headCPU", "ray.headMemory",
        ]),
        WizardPage(title: "Ray worker groups", shortTitle: "Workers", paths: ["ray.autoscaling"], listsWorkerGroups: true),
    ]

    /// The page that asks the answer at `path` (the first page for a problem of the file as a whole).
    public static func index(of path: String) -> Int {
        all.firstIndex { $0.paths.contains(path) } ?? 0
    }

    /// The fields of this page that matter for `answers`, in order.
    public func fields(for answers: Answers) -> [AnswerField] {
        let groups = listsWorkerGroups ? WorkerGroupFields.fields(in: answers) : []
        return (paths.compactMap(AnswerFields.field) + groups).filter { $0.isApplicable(in: answers) }
    }
}

/// Labels a person reads beside each field (the key path stays in error messages, as in the answers file).
public enum FieldLabels {
    /// The label of the field at `path`; a worker group's name field heads its group, its other fields are indented.
    public static func label(_ path: String) -> String {
        if let (index, key) = WorkerGroupFields.parse(path) {
            return key == "name" ? "Group \(index + 1) name" : "  " + (groupLabels[key] ?? key)
        }
        return labels[path] ?? path
    }

    private static let groupLabels: [String: String] = [
        "replicas": "Replicas", "minReplicas": "Min replicas", "maxReplicas": "Max replicas",
        "cpu": "CPU", "memory": "Memory", "gpu.type": "GPU", "gpu.count": "GPUs per pod",
    ]

    /// What an empty optional field means, e.g. the default IAM service account for that one.
    public static func placeholder(_ path: String, in answers: Answers) -> String? {
        // What the answers resolve to with the field cleared (an existing cluster's location follows the zone).
        var cleared = answers
        try? AnswerFields.field(path)?.set(nil, in: &cleared)
        switch path {
        case "cluster.location": return cleared.zone
        case "cluster.nodePool": return cleared.resolvedNodePool
        case "identity.iamServiceAccount": return cleared.resolvedIAMServiceAccount
        case "bucket.location": return cleared.resolvedBucketLocation
        case "ray.image": return cleared.resolvedImage
        default: return nil
        }
    }

    /// A line under the field that offers what is known to work (the Ray versions tested with KubeRay 1.7.0).
    public static func note(_ path: String) -> String? {
        path == "ray.version" ? "known good: \(RayVersions.knownGood.joined(separator: ", "))" : nil
    }

    /// How a choice or yes/no value reads in a radio list.
    public static func optionLabel(_ path: String, _ value: String) -> String {
        if path == "bucket.create" { return value == "true" ? "create a new bucket" : "use an existing bucket" }
        if path == "bucket.mount" { return value == "true" ? "mount in every Ray container" : "do not mount" }
        if path == "cluster.autopilot" { return value == "true" ? "Autopilot" : "Standard" }
        return value
    }

    private static let labels: [String: String] = [
        "project": "Project ID",
        "zone": "Zone",
        "cluster.mode": "Cluster",
        "cluster.name": "Cluster name",
        "cluster.location": "Location",
        "cluster.autopilot": "Cluster type",
        "cluster.nodePool": "Node pool",
        "cluster.machineType": "Machine type",
        "cluster.numNodes": "Nodes at start",
        "cluster.minNodes": "Minimum nodes",
        "cluster.maxNodes": "Maximum nodes",
        "cluster.rayClusterLogging": "Ray logging",
        "cluster.rayClusterMonitoring": "Ray monitoring",
        "operator": "Operator",
        "identity.mode": "Identity",
        "identity.namespace": "Namespace",
        "identity.kubernetesServiceAccount": "Kubernetes SA",
        "identity.iamServiceAccount": "IAM service account",
        "bucket.create": "Bucket",
        "bucket.name": "Bucket name",
        "bucket.location": "Location",
        "bucket.role": "Role",
        "bucket.mount": "Mount (GCS FUSE)",
        "bucket.mountPath": "Mount path",
        "ray.clusterName": "RayCluster name",
        "ray.version": "Ray version",
        "ray.image": "Image",
        "ray.headCPU": "Head CPU",
        "ray.headMemory": "Head memory",
        "ray.autoscaling": "Autoscaling",
    ]
}
