/// Every answer the wizard knows, in answers-file order. The file parser, `--set`, the validator and the
/// wizard's pages all go through this one table, so a key is spelled in one place.
public enum AnswerFields {
    public static let all: [AnswerField] = [
        AnswerField("project", label: "Project ID",
                    help: "Google Cloud project ID (not the name or number): 6-30 lowercase letters, digits, hyphens.",
                    get: { $0.project }, set: { $0.project = $1 ?? defaults.project }, rule: NamingRules.project),
        AnswerField("zone", label: "Zone",
                    help: "Compute zone for the cluster, e.g. us-west1-b; its region is used for Autopilot and the bucket.",
                    get: { $0.zone }, set: { $0.zone = $1 ?? defaults.zone }, rule: NamingRules.zone),
        AnswerField("cluster.name", label: "Cluster name",
                    help: "GKE cluster name: lowercase letters, digits, hyphens; starts with a letter; at most 40.",
                    get: { $0.cluster.name }, set: { $0.cluster.name = $1 ?? defaults.cluster.name },
                    rule: NamingRules.clusterName),
        AnswerField("cluster.mode", choice(ClusterMode.self), label: "Cluster",
                    help: "Create a Standard or Autopilot cluster, or use one that already exists.",
                    get: { $0.cluster.mode.rawValue },
                    set: { $0.cluster.mode = $1.flatMap(ClusterMode.init) ?? defaults.cluster.mode }),
        // Said of a cluster the wizard creates, these would read as where or how to create it, and be ignored.
        AnswerField("cluster.location", label: "Location",
                    help: "The existing cluster's zone (us-west1-b) or region (us-west1); empty means the zone.",
                    placeholder: { $0.zone },
                    get: { $0.cluster.location }, set: { $0.cluster.location = $1 },
                    rule: NamingRules.clusterLocation, appliesWhen: isExisting,
                    elsewhere: "only used with cluster.mode existing (a new cluster goes in the zone, or its region for Autopilot); remove it or switch the mode"),
        AnswerField("cluster.autopilot", .boolean, label: "Cluster type",
                    help: "The existing cluster is Autopilot (GKE runs its nodes); checked before any change.",
                    options: ["true": "Autopilot", "false": "Standard"],
                    get: { String($0.cluster.autopilot) },
                    set: { $0.cluster.autopilot = $1.map { $0 == "true" } ?? defaults.cluster.autopilot }, appliesWhen: isExisting,
                    elsewhere: "only used with cluster.mode existing; to create an Autopilot cluster use cluster.mode create-autopilot"),
        AnswerField("cluster.nodePool", label: "Node pool",
                    help: "The existing Standard cluster's node pool for the Ray pods; switched to the GKE metadata server.",
                    placeholder: { $0.resolvedNodePool },
                    get: { $0.cluster.nodePool }, set: { $0.cluster.nodePool = $1 },
                    rule: NamingRules.nodePool, appliesWhen: isExistingStandard,
                    elsewhere: "only used with cluster.mode existing on a Standard cluster (the pool switched to the GKE metadata server); remove it"),
        AnswerField("cluster.machineType", label: "Machine type",
                    help: "Node machine type for a Standard cluster, e.g. e2-standard-8 (8 vCPUs, 32 GB).",
                    get: { $0.cluster.machineType }, set: { $0.cluster.machineType = $1 ?? defaults.cluster.machineType },
                    rule: NamingRules.machineType, appliesWhen: isStandardCreate),
        AnswerField("cluster.numNodes", .integer, label: "Nodes at start",
                    help: "Nodes to start with (Standard).",
                    get: { String($0.cluster.numNodes) },
                    set: { $0.cluster.numNodes = $1.flatMap { Int($0) } ?? defaults.cluster.numNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.minNodes", .integer, label: "Minimum nodes",
                    help: "Autoscaling lower bound (Standard); 0 lets the pool scale to nothing.",
                    get: { String($0.cluster.minNodes) },
                    set: { $0.cluster.minNodes = $1.flatMap { Int($0) } ?? defaults.cluster.minNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.maxNodes", .integer, label: "Maximum nodes",
                    help: "Autoscaling upper bound (Standard).",
                    get: { String($0.cluster.maxNodes) },
                    set: { $0.cluster.maxNodes = $1.flatMap { Int($0) } ?? defaults.cluster.maxNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.rayClusterLogging", .boolean, label: "Ray logging",
                    help: "GKE Ray add-on: Ray logs to Cloud Logging. Needs operator gke-addon, system and workload logging on, no volume named ray-logs.",
                    get: { String($0.cluster.rayClusterLogging) },
                    set: { $0.cluster.rayClusterLogging = $1.map { $0 == "true" } ?? defaults.cluster.rayClusterLogging },
                    appliesWhen: usesRayAddon, elsewhere: rayAddonOnly),
        AnswerField("cluster.rayClusterMonitoring", .boolean, label: "Ray monitoring",
                    help: "GKE Ray add-on: Ray metrics to Cloud Monitoring. Needs operator gke-addon and, on Standard, Managed Service for Prometheus.",
                    get: { String($0.cluster.rayClusterMonitoring) },
                    set: { $0.cluster.rayClusterMonitoring = $1.map { $0 == "true" } ?? defaults.cluster.rayClusterMonitoring },
                    appliesWhen: usesRayAddon, elsewhere: rayAddonOnly),
        AnswerField("operator", choice(OperatorMode.self), label: "Operator",
                    help: "KubeRay operator: the GKE Ray add-on, a Helm install of KubeRay \(KubeRay.operatorVersion), or already installed.",
                    get: { $0.operator.rawValue },
                    set: { $0.operator = $1.flatMap(OperatorMode.init) ?? defaults.operator }),
        AnswerField("identity.mode", choice(IdentityMode.self), label: "Identity",
                    help: "IAM service account linked to the KSA (the classic flow), or grant the KSA directly as a principal.",
                    get: { $0.identity.mode.rawValue },
                    set: { $0.identity.mode = $1.flatMap(IdentityMode.init) ?? defaults.identity.mode }),
        AnswerField("identity.namespace", label: "Namespace",
                    help: "Kubernetes namespace for the Ray cluster and its service account.",
                    get: { $0.identity.namespace }, set: { $0.identity.namespace = $1 ?? defaults.identity.namespace },
                    rule: NamingRules.namespace),
        AnswerField("identity.kubernetesServiceAccount", label: "Kubernetes SA",
                    help: "Kubernetes service account every Ray pod runs as.",
                    get: { $0.identity.kubernetesServiceAccount },
                    set: { $0.identity.kubernetesServiceAccount = $1 ?? defaults.identity.kubernetesServiceAccount }, rule: NamingRules.kubernetesServiceAccount),
        AnswerField("identity.iamServiceAccount", label: "IAM service account",
                    help: "IAM service account ID the KSA impersonates: 6-30 chars, lowercase, digits, hyphens.",
                    placeholder: { $0.resolvedIAMServiceAccount },
                    get: { $0.identity.iamServiceAccount },
                    set: { $0.identity.iamServiceAccount = $1 }, rule: NamingRules.iamServiceAccount,
                    appliesWhen: { $0.identity.mode == .iamServiceAccount },
                    elsewhere: "only used with identity.mode iam-service-account; remove it or switch the mode"),
        AnswerField("bucket.name", label: "Bucket name",
                    help: "Cloud Storage bucket name; names are global across all of Google Cloud.",
                    get: { $0.bucket.name }, set: { $0.bucket.name = $1 ?? defaults.bucket.name }, rule: NamingRules.bucketName),
        AnswerField("bucket.create", .boolean, label: "Bucket",
                    help: "Create the bucket, or use one that already exists.",
                    options: ["true": "create a new bucket", "false": "use an existing bucket"],
                    get: { String($0.bucket.create) }, set: { $0.bucket.create = $1.map { $0 != "false" } ?? defaults.bucket.create }),
        AnswerField("bucket.location", label: "Location",
                    help: "Bucket location: a region (us-west1) or multi-region (US, EU, ASIA).",
                    placeholder: { $0.resolvedBucketLocation },
                    get: { $0.bucket.location }, set: { $0.bucket.location = $1 },
                    rule: NamingRules.bucketLocation, appliesWhen: { $0.bucket.create }),
        AnswerField("bucket.role", choice(BucketRole.self), label: "Role",
                    help: "Role granted on the bucket; objectUser is enough to read and write objects.",
                    get: { $0.bucket.role.rawValue },
                    set: { $0.bucket.role = $1.flatMap(BucketRole.init) ?? defaults.bucket.role }),
        AnswerField("bucket.mount", .boolean, label: "Mount (GCS FUSE)",
                    help: "Mount the bucket as a folder in every Ray container (Cloud Storage FUSE), e.g. for Ray Train checkpoints.",
                    options: ["true": "mount in every Ray container", "false": "do not mount"],
                    get: { String($0.bucket.mount) }, set: { $0.bucket.mount = $1 == "true" }),
        AnswerField("bucket.mountPath", label: "Mount path",
                    help: "Where the bucket is mounted in the Ray containers; an absolute path such as /mnt/cluster_storage.",
                    get: { $0.bucket.mountPath }, set: { $0.bucket.mountPath = $1 ?? defaults.bucket.mountPath },
                    rule: NamingRules.mountPath, appliesWhen: { $0.bucket.mount },
                    elsewhere: "only used with bucket.mount true; remove it or mount the bucket"),
        AnswerField("ray.clusterName", label: "RayCluster name",
                    help: "RayCluster name; the head service is NAME-head-svc.",
                    get: { $0.ray.clusterName }, set: { $0.ray.clusterName = $1 ?? defaults.ray.clusterName },
                    rule: NamingRules.rayClusterName),
        AnswerField("ray.version", label: "Ray version",
                    help: "Ray version, e.g. 2.60.0; the image follows it unless set.",
                    note: "known good: \(RayVersions.knownGood.joined(separator: ", "))",
                    get: { $0.ray.version }, set: { $0.ray.version = $1 ?? defaults.ray.version }, rule: NamingRules.rayVersion),
        AnswerField("ray.auth", choice(RayAuth.self), label: "Ray auth",
                    help: "token: the dashboard, Jobs API, client and GCS ports need a token kept in a Kubernetes Secret (Ray \(RayAuth.firstTokenVersion)+); none leaves them open.",
                    options: ["token": "token (kept in a Secret)", "none": "none (open to anyone who reaches Ray)"],
                    get: { $0.ray.auth.rawValue },
                    set: { $0.ray.auth = $1.flatMap(RayAuth.init) ?? defaults.ray.auth }),
        AnswerField("ray.networkPolicy", .boolean, label: "Network policy",
                    help: "Only this namespace's pods, and the operator on \(RayClusterManifest.dashboardPort), reach the Ray head. Needs Dataplane V2 or policy "
                        + "enforcement. Off by default: cuts off all else.",
                    options: ["true": "only the namespace reaches the head", "false": "no policy"],
                    get: { String($0.ray.networkPolicy) },
                    set: { $0.ray.networkPolicy = $1.map { $0 == "true" } ?? defaults.ray.networkPolicy }),
        AnswerField("ray.image", label: "Image",
                    help: "Container image for the Ray pods.",
                    placeholder: { $0.resolvedImage },
                    get: { $0.ray.image }, set: { $0.ray.image = $1 }, rule: NamingRules.image),
        AnswerField("ray.headCPU", label: "Head CPU",
                    help: "CPU for the Ray head (request and limit), e.g. 1 or 500m.",
                    get: { $0.ray.headCPU }, set: { $0.ray.headCPU = $1 ?? defaults.ray.headCPU }, rule: NamingRules.cpu),
        AnswerField("ray.headMemory", label: "Head memory",
                    help: "Memory request for the Ray head, e.g. 2Gi; the limit is at least 5Gi.",
                    get: { $0.ray.headMemory }, set: { $0.ray.headMemory = $1 ?? defaults.ray.headMemory }, rule: NamingRules.memory),
        AnswerField("ray.autoscaling", .boolean, label: "Autoscaling",
                    help: "KubeRay's autoscaler adds and removes worker pods within each group's bounds (and GKE the nodes).",
                    get: { String($0.ray.autoscaling) },
                    set: { $0.ray.autoscaling = $1.map { $0 != "false" } ?? defaults.ray.autoscaling }),
    ]

    private static let defaults = Answers.defaults

    /// The field at a dotted key path, a worker group's (`ray.workers[N].KEY`) included.
    public static func field(_ path: String) -> AnswerField? {
        if let worker = WorkerGroupFields.parse(path) { return WorkerGroupFields.field(worker.index, worker.key) }
        return all.first { $0.path == path }
    }

    /// Every field of `answers`: the fixed ones, then each worker group's.
    public static func fields(in answers: Answers) -> [AnswerField] { all + WorkerGroupFields.fields(in: answers) }

    /// Top-level keys and, for sections, their child keys, in file order (derived once from `all`).
    public static let sections: [(key: String, children: [String])] = {
        var result: [(key: String, children: [String])] = []
        for field in all {
            let parts = field.path.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                result.append((parts[0], []))
            } else if let last = result.indices.last, result[last].key == parts[0] {
                result[last].children.append(parts[1])
            } else {
                result.append((parts[0], [parts[1]]))
            }
        }
        return result
    }()

    private static func choice<E: RawRepresentable & CaseIterable>(_: E.Type) -> FieldKind where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }

    private static let usesRayAddon: @Sendable (Answers) -> Bool = { $0.operator == .gkeAddon }
    private static let rayAddonOnly = "only used with operator gke-addon (an option of GKE's Ray add-on); remove it or switch the operator"
    private static let isStandardCreate: @Sendable (Answers) -> Bool = { $0.cluster.mode == .createStandard }
    private static let isExisting: @Sendable (Answers) -> Bool = { $0.cluster.mode == .existing }
    private static let isExistingStandard: @Sendable (Answers) -> Bool = { $0.cluster.mode == .existing && !$0.cluster.autopilot }
}
