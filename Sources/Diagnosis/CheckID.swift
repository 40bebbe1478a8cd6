/// A link of the chain doctor checks, or a check preflight decides, named once. The string form (`rawValue`, e.g. `wi-binding`) is what
/// `--format json` and the JSON lines print.
public enum CheckID: Hashable, Sendable {
    case gcloud, apis, cluster, workloadPool, nodePools
    case kubeAccess, rayClusterKind, namespace, ksa, rayCluster, pods
    /// Ray's token authentication in the RayCluster and its pods, and the Secret holding the token.
    case rayAuth, authSecret
    /// The head's NetworkPolicy (with `ray.networkPolicy`): it exists, selects the head, and the cluster enforces it.
    case networkPolicy
    /// The KubeRay operator's pods are admitted to the dashboard by that policy (KubeRay reads RayJob status there).
    case operatorReach
    case annotation, iamServiceAccount, workloadIdentityBinding, principal
    case bucket, bucketRole
    // Preflight: what the cloud would refuse before anything is created.
    case billing, roles, clusterName, bucketName, accelerators, machineTypes, gpuQuota, cpuQuota, orgPolicy
    /// An existing cluster enforces NetworkPolicies (with `ray.networkPolicy`).
    case policyEnforcement
    /// The in-pod probe as a whole, when it did not run (`--no-exec`, no running pod, or an earlier link broken).
    case inPod
    /// The in-pod probe in the Ray pod `name`.
    case pod(String)

    private static let podPrefix = "pod:"
}

/// Encoded as its string form; decoding refuses a string no check has (the standard library's `RawRepresentable`
/// coding).
extension CheckID: RawRepresentable, CustomStringConvertible, Codable {
    public var rawValue: String {
        switch self {
        case .gcloud: return "gcloud"
        case .apis: return "apis"
        case .cluster: return "cluster"
        case .workloadPool: return "workload-pool"
        case .nodePools: return "node-pools"
        case .kubeAccess: return "kube-access"
        case .rayClusterKind: return "raycluster-kind"
        case .namespace: return "namespace"
        case .ksa: return "ksa"
        case .rayCluster: return "raycluster"
        case .pods: return "pods"
        case .rayAuth: return "ray-auth"
        case .authSecret: return "auth-secret"
        case .networkPolicy: return "network-policy"
        case .operatorReach: return "operator-reach"
        case .annotation: return "annotation"
        case .iamServiceAccount: return "iam-sa"
        case .workloadIdentityBinding: return "wi-binding"
        case .principal: return "principal"
        case .bucket: return "bucket"
        case .bucketRole: return "bucket-role"
        case .inPod: return "in-pod"
        case .billing: return "billing"
        case .roles: return "roles"
        case .clusterName: return "cluster-name"
        case .bucketName: return "bucket-name"
        case .accelerators: return "accelerators"
        case .machineTypes: return "machine-types"
        case .gpuQuota: return "gpu-quota"
        case .cpuQuota: return "cpu-quota"
        case .orgPolicy: return "org-policy"
        case .policyEnforcement: return "policy-enforcement"
        case .pod(let name): return Self.podPrefix + name
        }
    }

    /// The check spelled `rawValue`, or nil when no check is called that.
    public init?(rawValue: String) {
        if rawValue.hasPrefix(Self.podPrefix), rawValue.count > Self.podPrefix.count {
            self = .pod(String(rawValue.dropFirst(Self.podPrefix.count)))
            return
        }
        let fixed: [CheckID] = [.gcloud, .apis, .cluster, .workloadPool, .nodePools, .kubeAccess, .rayClusterKind, .namespace, .ksa,
                                .rayCluster, .pods, .rayAuth, .authSecret, .networkPolicy, .operatorReach, .annotation, .iamServiceAccount, .workloadIdentityBinding,
                                .principal, .bucket, .bucketRole, .inPod, .billing, .roles, .clusterName, .bucketName, .accelerators,
                                .machineTypes, .gpuQuota, .cpuQuota, .orgPolicy, .policyEnforcement]
        guard let id = fixed.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = id
    }

    public var description: String { rawValue }

    /// Whether this is the in-pod probe of one pod.
    public var isPod: Bool {
        if case .pod = self { return true }
        return false
    }
}
