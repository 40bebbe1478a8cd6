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
            "ray.clusterName", "ray.version", "ray.auth", "ray.networkPolicy", "ray.image", "ray.headCPU", "ray.headMemory",
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
