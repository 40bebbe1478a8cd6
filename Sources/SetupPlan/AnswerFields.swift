/// Every answer the wizard knows, in answers-file order. The file parser, `--set`, the validator and the
/// wizard's pages all go through this one table, so a key is spelled in one place.
public enum AnswerFields {
    public static let all: [AnswerField] = [
        AnswerField("project", get: { $0.project }, set: { $0.project = $1 ?? defaults.project }, rule: NamingRules.project),
        AnswerField("zone", get: { $0.zone }, set: { $0.zone = $1 ?? defaults.zone }, rule: NamingRules.zone),
        AnswerField("cluster.name", get: { $0.cluster.name }, set: { $0.cluster.name = $1 ?? defaults.cluster.name },
                    rule: NamingRules.clusterName),
        AnswerField("cluster.mode", choice(ClusterMode.self), get: { $0.cluster.mode.rawValue },
                    set: { $0.cluster.mode = $1.flatMap(ClusterMode.init) ?? defaults.cluster.mode }),
        // Said of a cluster the wizard creates, these would read as where or how to create it, and be ignored.
        AnswerField("cluster.location", get: { $0.cluster.location }, set: { $0.cluster.location = $1 },
                    rule: NamingRules.clusterLocation, appliesWhen: isExisting,
                    elsewhere: "only used with cluster.mode existing (a new cluster goes in the zone, or its region for Autopilot); remove it or switch the mode"),
        AnswerField("cluster.autopilot", .boolean, get: { String($0.cluster.autopilot) },
                    set: { $0.cluster.autopilot = $1.map { $0 == "true" } ?? defaults.cluster.autopilot }, appliesWhen: isExisting,
                    elsewhere: "only used with cluster.mode existing; to create an Autopilot cluster use cluster.mode create-autopilot"),
        AnswerField("cluster.nodePool", get: { $0.cluster.nodePool }, set: { $0.cluster.nodePool = $1 },
                    rule: NamingRules.nodePool, appliesWhen: isExistingStandard,
                    elsewhere: "only used with cluster.mode existing on a Standard cluster (the pool switched to the GKE metadata server); remove it"),
        AnswerField("cluster.machineType", get: { $0.cluster.machineType }, set: { $0.cluster.machineType = $1 ?? defaults.cluster.machineType },
                    rule: NamingRules.machineType, appliesWhen: isStandardCreate),
        AnswerField("cluster.numNodes", .integer, get: { String($0.cluster.numNodes) },
                    set: { $0.cluster.numNodes = $1.flatMap { Int($0) } ?? defaults.cluster.numNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.minNodes", .integer, get: { String($0.cluster.minNodes) },
                    set: { $0.cluster.minNodes = $1.flatMap { Int($0) } ?? defaults.cluster.minNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.maxNodes", .integer, get: { String($0.cluster.maxNodes) },
                    set: { $0.cluster.maxNodes = $1.flatMap { Int($0) } ?? defaults.cluster.maxNodes }, appliesWhen: isStandardCreate),
        AnswerField("cluster.rayClusterLogging", .boolean, get: { String($0.cluster.rayClusterLogging) },
                    set: { $0.cluster.rayClusterLogging = $1.map { $0 == "true" } ?? defaults.cluster.rayClusterLogging },
                    appliesWhen: usesRayAddon, elsewhere: rayAddonOnly),
        AnswerField("cluster.rayClusterMonitoring", .boolean, get: { String($0.cluster.rayClusterMonitoring) },
                    set: { $0.cluster.rayClusterMonitoring = $1.map { $0 == "true" } ?? defaults.cluster.rayClusterMonitoring },
                    appliesWhen: usesRayAddon, elsewhere: rayAddonOnly),
        AnswerField("operator", choice(OperatorMode.self), get: { $0.operator.rawValue },
                    set: { $0.operator = $1.flatMap(OperatorMode.init) ?? defaults.operator }),
        AnswerField("identity.mode", choice(IdentityMode.self), get: { $0.identity.mode.rawValue },
                    set: { $0.identity.mode = $1.flatMap(IdentityMode.init) ?? defaults.identity.mode }),
        AnswerField("identity.namespace", get: { $0.identity.namespace }, set: { $0.identity.namespace = $1 ?? defaults.identity.namespace },
                    rule: NamingRules.namespace),
        AnswerField("identity.kubernetesServiceAccount", get: { $0.identity.kubernetesServiceAccount },
                    set: { $0.identity.kubernetesServiceAccount = $1 ?? defaults.identity.kubernetesServiceAccount }, rule: NamingRules.kubernetesServiceAccount),
        AnswerField("identity.iamServiceAccount", get: { $0.identity.iamServiceAccount },
                    set: { $0.identity.iamServiceAccount = $1 }, rule: NamingRules.iamServiceAccount,
                    appliesWhen: { $0.identity.mode == .iamServiceAccount },
                    elsewhere: "only used with identity.mode iam-service-account; remove it or switch the mode"),
        AnswerField("bucket.name", get: { $0.bucket.name }, set: { $0.bucket.name = $1 ?? defaults.bucket.name }, rule: NamingRules.bucketName),
        AnswerField("bucket.create", .boolean, get: { String($0.bucket.create) }, set: { $0.bucket.create = $1.map { $0 != "false" } ?? defaults.bucket.create }),
        AnswerField("bucket.location", get: { $0.bucket.location }, set: { $0.bucket.location = $1 },
                    rule: NamingRules.bucketLocation, appliesWhen: { $0.bucket.create }),
        AnswerField("bucket.role", choice(BucketRole.self), get: { $0.bucket.role.rawValue },
                    set: { $0.bucket.role = $1.flatMap(BucketRole.init) ?? defaults.bucket.role }),
        AnswerField("bucket.mount", .boolean, get: { String($0.bucket.mount) }, set: { $0.bucket.mount = $1 == "true" }),
        AnswerField("bucket.mountPath", get: { $0.bucket.mountPath }, set: { $0.bucket.mountPath = $1 ?? defaults.bucket.mountPath },
                    rule: NamingRules.mountPath, appliesWhen: { $0.bucket.mount },
                    elsewhere: "only used with bucket.mount true; remove it or mount the bucket"),
        AnswerField("ray.clusterName", get: { $0.ray.clusterName }, set: { $0.ray.clusterName = $1 ?? defaults.ray.clusterName },
                    rule: NamingRules.rayClusterName),
        AnswerField("ray.version", get: { $0.ray.version }, set: { $0.ray.version = $1 ?? defaults.ray.version }, rule: NamingRules.rayVersion),
        AnswerField("ray.image", get: { $0.ray.image }, set: { $0.ray.image = $1 }, rule: NamingRules.image),
        AnswerField("ray.headCPU", get: { $0.ray.headCPU }, set: { $0.ray.headCPU = $1 ?? defaults.ray.headCPU }, rule: NamingRules.cpu),
        AnswerField("ray.headMemory", get: { $0.ray.headMemory }, set: { $0.ray.headMemory = $1 ?? defaults.ray.headMemory }, rule: NamingRules.memory),
        AnswerField("ray.autoscaling", .boolean, get: { String($0.ray.autoscaling) },
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
