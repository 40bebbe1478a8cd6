/// Every choice a person makes, in the shape of the answers file.
public struct Answers: Equatable, Hashable, Sendable {
    public var project: String = ""
    public var zone: String = "us-west1-b"
    public var cluster = Cluster()
    public var `operator`: OperatorMode = .gkeAddon
    public var identity = Identity()
    public var bucket = Bucket()
    public var ray = Ray()

    public init() {}

    /// Every answer at its default: what a cleared field returns to.
    public static let defaults = Answers()

    /// The GKE cluster to create or reuse.
    public struct Cluster: Equatable, Hashable, Sendable {
        public var name = "cloud-bucket-cluster"
        public var mode: ClusterMode = .createStandard
        /// Only for an existing cluster: its zone or region; nil means `zone`.
        public var location: String?
        /// Only for an existing cluster: it is Autopilot, so its node pools and nodeSelectors are GKE's to manage.
        public var autopilot = false
        /// Only for an existing Standard cluster: the node pool switched to the GKE metadata server; nil means `defaultNodePool`.
        public var nodePool: String?
        /// The node pool GKE creates with a cluster.
        public static let defaultNodePool = "default-pool"
        public var machineType = "e2-standard-8"
        public var numNodes = 1
        public var minNodes = 0
        public var maxNodes = 1
        /// GKE Ray add-on only: the log-processing sidecar for Ray clusters (`--enable-ray-cluster-logging`).
        public var rayClusterLogging = false
        /// GKE Ray add-on only: metrics collection for Ray clusters (`--enable-ray-cluster-monitoring`).
        public var rayClusterMonitoring = false
        public init() {}
    }

    /// Which Kubernetes identity the Ray pods use and how it reaches Google Cloud.
    public struct Identity: Equatable, Hashable, Sendable {
        public var mode: IdentityMode = .iamServiceAccount
        public var namespace = "default"
        public var kubernetesServiceAccount = "my-ksa"
        /// Only in `iamServiceAccount` mode; nil means `defaultIAMServiceAccount` there.
        public var iamServiceAccount: String?
        /// The source document's IAM service account name.
        public static let defaultIAMServiceAccount = "my-iam-sa"
        public init() {}
    }

    /// The Cloud Storage bucket the pods read and write.
    public struct Bucket: Equatable, Hashable, Sendable {
        public var name = ""
        public var create = true
        /// nil means the cluster's region.
        public var location: String?
        public var role: BucketRole = .objectUser
        /// Mount the bucket in every Ray container through the Cloud Storage FUSE CSI driver.
        public var mount = false
        /// Where the bucket is mounted; only with `mount`.
        public var mountPath = "/mnt/cluster_storage"
        public init() {}
    }

    /// The RayCluster to deploy.
    public struct Ray: Equatable, Hashable, Sendable {
        public var clusterName = "raycluster-mini"
        public var version = RayVersions.default
        /// nil means `rayproject/ray:<version>`.
        public var image: String?
        public var headCPU = "1"
        public var headMemory = "2Gi"
        /// KubeRay's in-tree autoscaler (`enableInTreeAutoscaling`) scales each group between its bounds.
        public var autoscaling = true
        /// Ray's token authentication on every Ray port (dashboard and Jobs API, client, GCS).
        public var auth: RayAuth = .token
        /// A NetworkPolicy on the head pod: ingress only from the namespace's pods, the operator on the dashboard port and,
        /// with the add-on's Ray monitoring, Prometheus's collectors on the metrics port (see `NetworkPolicyManifest`).
        public var networkPolicy = false
        public var workers = [WorkerGroup()]
        public init() {}
    }
}

/// Create a Standard cluster, an Autopilot cluster, or use one that exists.
public enum ClusterMode: String, CaseIterable, Sendable {
    case createStandard = "create-standard"
    case createAutopilot = "create-autopilot"
    case existing
}

/// How the KubeRay operator gets onto the cluster.
public enum OperatorMode: String, CaseIterable, Sendable {
    case gkeAddon = "gke-addon"
    case helm
    case installed
}

/// The source document's IAM service account chain, or the current direct principal.
public enum IdentityMode: String, CaseIterable, Sendable {
    case iamServiceAccount = "iam-service-account"
    case direct
}

/// Whether Ray asks every caller for a token: `token` (Ray 2.52 and later) or `none` (anyone who reaches a Ray port
/// can run code as the bucket's identity).
public enum RayAuth: String, CaseIterable, Sendable {
    case token
    case none

    /// The first Ray release with token authentication.
    public static let firstTokenVersion = "2.52.0"
}

/// The role granted on the bucket.
public enum BucketRole: String, CaseIterable, Sendable {
    case objectUser = "roles/storage.objectUser"
    case objectAdmin = "roles/storage.objectAdmin"
    case admin = "roles/storage.admin"
}

extension Answers {
    /// The cluster's region: the zone's (`us-west1-b` -> `us-west1`), or an existing cluster's location's.
    public var region: String {
        if cluster.mode == .existing, let location = cluster.location {
            return NamingRules.zone(location) == nil ? NamingRules.region(ofZone: location) : location
        }
        return NamingRules.region(ofZone: zone)
    }

    /// Where the cluster lives: the zone, the region for Autopilot, or what an existing cluster's answers say.
    public var clusterLocation: String {
        switch cluster.mode {
        case .createStandard: return zone
        case .createAutopilot: return region
        case .existing: return cluster.location ?? zone
        }
    }

    /// The kubeconfig context `gcloud container clusters get-credentials` writes for the cluster.
    public var kubeContext: String { "gke_\(project)_\(clusterLocation)_\(cluster.name)" }

    /// Whether the cluster is Autopilot: created so, or an existing one the answers say is.
    public var isAutopilot: Bool {
        cluster.mode == .createAutopilot || (cluster.mode == .existing && cluster.autopilot)
    }

    /// The node pool of an existing Standard cluster the Ray pods run on.
    public var resolvedNodePool: String { cluster.nodePool ?? Cluster.defaultNodePool }
    public var workloadPool: String { "\(project).svc.id.goog" }
    public var resolvedIAMServiceAccount: String { identity.iamServiceAccount ?? Identity.defaultIAMServiceAccount }
    public var iamServiceAccountEmail: String { "\(resolvedIAMServiceAccount)@\(project).iam.gserviceaccount.com" }
    public var resolvedBucketLocation: String { bucket.location ?? region }
    public var resolvedImage: String { ray.image ?? "rayproject/ray:\(ray.version)" }
    /// The worker groups that need a GPU node pool: those with a GPU on a Standard cluster (Autopilot provisions GPU nodes itself).
    public var gpuNodePoolGroups: [WorkerGroup] { isAutopilot ? [] : ray.workers.filter { $0.gpu != nil } }
    /// Autopilot rejects the metadata-server nodeSelector; every other cluster needs it.
    public var usesMetadataNodeSelector: Bool { !isAutopilot }
}
