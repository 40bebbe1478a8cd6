/// A step of the setup or destroy plan, named once. The string form (`rawValue`, e.g. `create-cluster`) is what the
/// journal, the JSON events, the log file names and `--timeout` use; it never changes for an existing step.
public enum StepID: Hashable, Sendable {
    // Preflight.
    case checkGcloud, checkKubectl, checkAuthPlugin, checkHelm, checkProject
    case enableAPIs
    // The cluster.
    case createCluster, waitCluster
    case checkCluster, checkClusterType, checkPolicyEnforcement, enableWorkloadIdentity, enableGKEMetadata, enableRayAddon
    case enableRayLogging, enableRayMonitoring
    /// The GPU node pool of the worker group `group`.
    case createNodePool(group: String)
    case enableGcsFuseAddon
    case getCredentials
    // The operator.
    case helmRepo, installOperator, checkCRD
    // Identity.
    case createNamespace, createKSA
    case readProjectNumber, createIAMServiceAccount, bindWorkloadIdentity, annotateKSA
    // The bucket.
    case createBucket, checkBucket, grantBucketRole
    // The RayCluster and the checks from inside it.
    case checkAuthOptions, createAuthSecret
    case applyNetworkPolicy, applyRayCluster, waitHead, waitWorkers
    case verifyBucket, verifyMount
    // With the network policy: a RayJob proves the operator reaches the dashboard.
    case startOperatorCheck, checkOperatorReach, endOperatorCheck
    // Destroy.
    case checkClusterUnused
    case deleteCluster, waitClusterDeleted
    /// A node pool the run added, by the pool's name.
    case deleteNodePool(pool: String)
    case uninstallOperator
    /// A Kubernetes object the run created (`delete-namespace`, `delete-serviceaccount`, `delete-raycluster`,
    /// `delete-secret`, `delete-networkpolicy`, `delete-rayjob`).
    case delete(KubernetesObject)
    case waitRayPodsGone
    case deleteIAMServiceAccount, unbindWorkloadIdentity, unbindBucketRole, deleteBucket

    /// The kinds of Kubernetes object a destroy deletes with `kubectl delete KIND`.
    public enum KubernetesObject: String, Hashable, Sendable, CaseIterable {
        case namespace, serviceaccount, raycluster, secret, networkpolicy, rayjob
    }

    /// Every id without a name in it, for reading ids back (`init(rawValue:)`).
    static let fixed: [StepID] = [
        .checkGcloud, .checkKubectl, .checkAuthPlugin, .checkHelm, .checkProject, .enableAPIs,
        .createCluster, .waitCluster, .checkCluster, .checkClusterType, .checkPolicyEnforcement, .enableWorkloadIdentity, .enableGKEMetadata, .enableRayAddon,
        .enableRayLogging, .enableRayMonitoring, .enableGcsFuseAddon, .getCredentials,
        .helmRepo, .installOperator, .checkCRD,
        .createNamespace, .createKSA, .readProjectNumber, .createIAMServiceAccount, .bindWorkloadIdentity, .annotateKSA,
        .createBucket, .checkBucket, .grantBucketRole,
        .checkAuthOptions, .createAuthSecret, .applyNetworkPolicy, .applyRayCluster, .waitHead, .waitWorkers, .verifyBucket, .verifyMount,
        .startOperatorCheck, .checkOperatorReach, .endOperatorCheck,
        .checkClusterUnused, .deleteCluster, .waitClusterDeleted, .uninstallOperator, .waitRayPodsGone,
        .deleteIAMServiceAccount, .unbindWorkloadIdentity, .unbindBucketRole, .deleteBucket,
    ] + KubernetesObject.allCases.map(StepID.delete)

    private static let nodePoolPrefix = "create-node-pool-"
    private static let deleteNodePoolPrefix = "delete-node-pool-"
}

/// Encoded as its string form; decoding refuses a string no step has (the standard library's `RawRepresentable`
/// coding).
extension StepID: RawRepresentable, CustomStringConvertible, Codable {
    /// The id as the journal, the events and the logs spell it.
    public var rawValue: String {
        switch self {
        case .checkGcloud: return "check-gcloud"
        case .checkKubectl: return "check-kubectl"
        case .checkAuthPlugin: return "check-auth-plugin"
        case .checkHelm: return "check-helm"
        case .checkProject: return "check-project"
        case .enableAPIs: return "enable-apis"
        case .createCluster: return "create-cluster"
        case .waitCluster: return "wait-cluster"
        case .checkCluster: return "check-cluster"
        case .checkClusterType: return "check-cluster-type"
        case .checkPolicyEnforcement: return "check-policy-enforcement"
        case .enableWorkloadIdentity: return "enable-workload-identity"
        case .enableGKEMetadata: return "enable-gke-metadata"
        case .enableRayAddon: return "enable-ray-addon"
        case .enableRayLogging: return "enable-ray-logging"
        case .enableRayMonitoring: return "enable-ray-monitoring"
        case .createNodePool(let group): return Self.nodePoolPrefix + group
        case .enableGcsFuseAddon: return "enable-gcsfuse-addon"
        case .getCredentials: return "get-credentials"
        case .helmRepo: return "helm-repo"
        case .installOperator: return "install-operator"
        case .checkCRD: return "check-crd"
        case .createNamespace: return "create-namespace"
        case .createKSA: return "create-ksa"
        case .readProjectNumber: return "read-project-number"
        case .createIAMServiceAccount: return "create-iam-sa"
        case .bindWorkloadIdentity: return "bind-workload-identity"
        case .annotateKSA: return "annotate-ksa"
        case .createBucket: return "create-bucket"
        case .checkBucket: return "check-bucket"
        case .grantBucketRole: return "grant-bucket-role"
        case .checkAuthOptions: return "check-auth-options"
        case .createAuthSecret: return "create-auth-secret"
        case .applyNetworkPolicy: return "apply-network-policy"
        case .applyRayCluster: return "apply-raycluster"
        case .waitHead: return "wait-head"
        case .waitWorkers: return "wait-workers"
        case .verifyBucket: return "verify-bucket"
        case .verifyMount: return "verify-mount"
        case .startOperatorCheck: return "start-operator-check"
        case .checkOperatorReach: return "check-operator-reach"
        case .endOperatorCheck: return "end-operator-check"
        case .checkClusterUnused: return "check-cluster-unused"
        case .deleteCluster: return "delete-cluster"
        case .waitClusterDeleted: return "wait-cluster-deleted"
        case .deleteNodePool(let pool): return Self.deleteNodePoolPrefix + pool
        case .uninstallOperator: return "uninstall-operator"
        case .delete(let object): return "delete-" + object.rawValue
        case .waitRayPodsGone: return "wait-ray-pods-gone"
        case .deleteIAMServiceAccount: return "delete-iam-sa"
        case .unbindWorkloadIdentity: return "unbind-workload-identity"
        case .unbindBucketRole: return "unbind-bucket-role"
        case .deleteBucket: return "delete-bucket"
        }
    }

    /// The id spelled `rawValue`, or nil when no step is called that.
    public init?(rawValue: String) {
        if let fixed = Self.byName[rawValue] {
            self = fixed
        } else if rawValue.hasPrefix(Self.nodePoolPrefix), rawValue.count > Self.nodePoolPrefix.count {
            self = .createNodePool(group: String(rawValue.dropFirst(Self.nodePoolPrefix.count)))
        } else if rawValue.hasPrefix(Self.deleteNodePoolPrefix), rawValue.count > Self.deleteNodePoolPrefix.count {
            self = .deleteNodePool(pool: String(rawValue.dropFirst(Self.deleteNodePoolPrefix.count)))
        } else {
            return nil
        }
    }

    private static let byName = Dictionary(uniqueKeysWithValues: fixed.map { ($0.rawValue, $0) })

    public var description: String { rawValue }
}
