/// The RayCluster (ray.io/v1) for these answers, as a model encoded with Yams: never string templating.
public struct RayClusterManifest: Encodable, Equatable, Sendable {
    public var apiVersion = "ray.io/v1"
    public var kind = "RayCluster"
    public var metadata: Metadata
    public var spec: Spec

    /// The head's GCS port, which the workers join.
    public static let gcsPort = 6379
    /// The head's dashboard and Jobs API port (the operator asks it for a RayJob's status).
    public static let dashboardPort = 8265
    /// The head container's name for `dashboardPort`, which a NetworkPolicy may name instead of the number.
    public static let dashboardPortName = "dashboard"
    /// The head's Ray client server port (`ray://`).
    public static let clientPort = 10001

    public struct Metadata: Encodable, Equatable, Sendable {
        public var name: String
        public var namespace: String
        public var labels: OrderedMap
    }

    public struct Spec: Encodable, Equatable, Sendable {
        public var rayVersion: String
        /// Token authentication by the operator (KubeRay 1.5.1 and later); nil in the other forms.
        public var authOptions: AuthOptions?
        /// KubeRay's in-tree autoscaler; nil (left out) when the groups keep their replicas.
        public var enableInTreeAutoscaling: Bool?
        /// The autoscaler sidecar's variables, where the operator does not set the token's itself.
        public var autoscalerOptions: AutoscalerOptions?
        public var headGroupSpec: HeadGroupSpec
        public var workerGroupSpecs: [WorkerGroupSpec]?
    }

    public struct AuthOptions: Encodable, Equatable, Sendable {
        public var mode: String
    }

    public struct AutoscalerOptions: Encodable, Equatable, Sendable {
        public var env: [EnvVar]
    }

    public struct HeadGroupSpec: Encodable, Equatable, Sendable {
        public var rayStartParams: OrderedMap
        public var template: PodTemplate
    }

    public struct WorkerGroupSpec: Encodable, Equatable, Sendable {
        public var groupName: String
        public var replicas: Int
        public var minReplicas: Int
        public var maxReplicas: Int
        public var rayStartParams: OrderedMap
        public var template: PodTemplate
    }

    public struct PodTemplate: Encodable, Equatable, Sendable {
        public var metadata: PodMetadata?
        public var spec: PodSpec
    }

    public struct PodMetadata: Encodable, Equatable, Sendable {
        public var annotations: OrderedMap
    }

    public struct PodSpec: Encodable, Equatable, Sendable {
        public var serviceAccountName: String
        public var nodeSelector: OrderedMap?
        public var tolerations: [Toleration]?
        public var containers: [Container]
        public var volumes: [Volume]?
        /// Set only where Kubernetes needs it: a Job's pods (the RayJob submitter) must not restart in place.
        public var restartPolicy: String?
    }

    public struct Toleration: Encodable, Equatable, Sendable {
        public var key: String
        public var `operator`: String
        public var effect: String
    }

    public struct Container: Encodable, Equatable, Sendable {
        public var name: String
        public var image: String
        public var env: [EnvVar]
        public var resources: Resources
        public var ports: [Port]?
        public var volumeMounts: [VolumeMount]?
    }

    /// An environment variable: a literal, one read from the pod's own metadata (the downward API), or a Secret's key.
    public struct EnvVar: Encodable, Equatable, Sendable {
        public var name: String
        public var value: String?
        public var valueFrom: Source?

        public struct Source: Encodable, Equatable, Sendable {
            public var fieldRef: FieldRef?
            public var secretKeyRef: SecretKeyRef?
        }

        public struct FieldRef: Encodable, Equatable, Sendable {
            public var fieldPath: String
        }

        public struct SecretKeyRef: Encodable, Equatable, Sendable {
            public var name: String
            public var key: String
        }

        init(_ name: String, fieldPath: String) {
            self.name = name
            valueFrom = Source(fieldRef: FieldRef(fieldPath: fieldPath))
        }

        init(_ name: String, value: String) {
            self.name = name
            self.value = value
        }

        init(_ name: String, secret: String, key: String) {
            self.name = name
            valueFrom = Source(secretKeyRef: SecretKeyRef(name: secret, key: key))
        }
    }

    public struct Resources: Encodable, Equatable, Sendable {
        public var requests: OrderedMap
        public var limits: OrderedMap
    }

    public struct Port: Encodable, Equatable, Sendable {
        public var containerPort: Int
        public var name: String
    }

    /// In every Ray container: the pod's `ray.io/group` label, so the bucket check can name each node's group.
    public static let groupEnvVar = "KUBERAY_GCS_WIZARD_GROUP"
    /// In every Ray container: the pod's name.
    public static let podEnvVar = "KUBERAY_GCS_WIZARD_POD"
    /// The GPU resource, also the key of the taint GKE puts on GPU nodes of Standard clusters.
    public static let gpuResource = "nvidia.com/gpu"
    /// The node label GKE sets to the accelerator type of GPU nodes.
    public static let acceleratorLabel = "cloud.google.com/gke-accelerator"
    /// The node label of nodes that run the GKE metadata server (Workload Identity).
    public static let metadataServerLabel = "iam.gke.io/gke-metadata-server-enabled"

    /// The manifest for `answers`: every group's pod template from `podTemplate`. With `ray.auth` token, `form` says
    /// who puts the token into the Ray containers (the operator, by default).
    public init(_ answers: Answers, tokenForm: TokenForm = .authOptions) {
        metadata = Metadata(
            name: answers.ray.clusterName,
            namespace: answers.identity.namespace,
            labels: ["app.kubernetes.io/managed-by": "kuberay-gcs-wizard"]
        )
        let head = PodShape(
            containerName: "ray-head", cpu: answers.ray.headCPU, memory: answers.ray.headMemory,
            memoryLimit: Self.memoryLimit(for: answers.ray.headMemory), gpu: nil,
            ports: [
                Port(containerPort: Self.gcsPort, name: "gcs-server"),
                Port(containerPort: Self.dashboardPort, name: Self.dashboardPortName),
                Port(containerPort: Self.clientPort, name: "client"),
            ]
        )
        let workers = answers.ray.workers.map { group in
            WorkerGroupSpec(
                groupName: group.name, replicas: group.replicas, minReplicas: group.minReplicas, maxReplicas: group.maxReplicas,
                rayStartParams: [:],
                template: Self.podTemplate(PodShape(containerName: "ray-worker", cpu: group.cpu, memory: group.memory,
                                                    memoryLimit: group.memory, gpu: group.gpu, ports: nil), answers, tokenForm: tokenForm)
            )
        }
        let token = answers.ray.auth == .token
        spec = Spec(
            rayVersion: answers.ray.version,
            authOptions: token && tokenForm == .authOptions ? AuthOptions(mode: RayAuth.token.rawValue) : nil,
            enableInTreeAutoscaling: answers.ray.autoscaling ? true : nil,
            autoscalerOptions: token && tokenForm == .secretEnvironment && answers.ray.autoscaling
                ? AutoscalerOptions(env: Self.tokenEnvironment(answers)) : nil,
            headGroupSpec: HeadGroupSpec(rayStartParams: ["dashboard-host": "0.0.0.0"],
                                         template: Self.podTemplate(head, answers, tokenForm: tokenForm)),
            workerGroupSpecs: workers.isEmpty ? nil : workers
        )
    }

    /// Who puts the Ray token into the containers.
    public enum TokenForm: Equatable, Sendable {
        /// `spec.authOptions`: the operator makes the Secret and sets the variables on every Ray container, the
        /// autoscaler's included (KubeRay 1.5.1 and later).
        case authOptions
        /// The manifest sets the variables from a Secret the plan creates (older operators; KubeRay's
        /// `ray-cluster.auth-manual.yaml` sample), and gives them to the autoscaler through `autoscalerOptions.env`.
        case secretEnvironment
    }

    /// Ray's switch for token authentication, set to `token` on every Ray process.
    public static let authModeEnvVar = "RAY_AUTH_MODE"
    /// The variable Ray reads the token from.
    public static let authTokenEnvVar = "RAY_AUTH_TOKEN"
    /// The Secret's key holding the token (KubeRay's name for it).
    public static let tokenSecretKey = "auth_token"

    /// The Secret holding the Ray token: named after the RayCluster, as KubeRay names the one it generates, so both
    /// forms keep it in the same place.
    public static func tokenSecretName(_ answers: Answers) -> String { answers.ray.clusterName }

    /// The two variables of the Secret-and-variables form; the token only ever by reference.
    static func tokenEnvironment(_ answers: Answers) -> [EnvVar] {
        [EnvVar(authModeEnvVar, value: RayAuth.token.rawValue),
         EnvVar(authTokenEnvVar, secret: tokenSecretName(answers), key: tokenSecretKey)]
    }

    /// What differs between the Ray pods of one group: its container's name, size, GPUs and ports.
    public struct PodShape: Equatable, Sendable {
        public var containerName: String
        public var cpu: String
        public var memory: String
        public var memoryLimit: String
        public var gpu: WorkerGroup.GPU?
        public var ports: [Port]?
    }

    /// The pod template of every Ray group, head and workers alike: the KSA, on Standard the GKE metadata server,
    /// a GPU group's accelerator selector and GPU resources (and on Standard the GPU taint's toleration; Autopilot
    /// adds it itself), and the downward-API variables naming the pod and its group. What every Ray pod needs is
    /// added here, once.
    public static func podTemplate(_ shape: PodShape, _ answers: Answers, tokenForm: TokenForm = .authOptions) -> PodTemplate {
        var selector: [(String, String)] = []
        if answers.usesMetadataNodeSelector { selector.append((metadataServerLabel, "true")) }
        var requests: OrderedMap = ["cpu": shape.cpu, "memory": shape.memory]
        var limits: OrderedMap = ["cpu": shape.cpu, "memory": shape.memoryLimit]
        var tolerations: [Toleration]?
        if let gpu = shape.gpu {
            selector.append((acceleratorLabel, gpu.type))
            requests.pairs.append((gpuResource, String(gpu.count)))
            limits.pairs.append((gpuResource, String(gpu.count)))
            if !answers.isAutopilot { tolerations = [Toleration(key: gpuResource, operator: "Exists", effect: "NoSchedule")] }
        }
        let container = Container(
            name: shape.containerName, image: answers.resolvedImage,
            env: [EnvVar(groupEnvVar, fieldPath: "metadata.labels['ray.io/group']"), EnvVar(podEnvVar, fieldPath: "metadata.name")]
                + (answers.ray.auth == .token && tokenForm == .secretEnvironment ? tokenEnvironment(answers) : []),
            resources: Resources(requests: requests, limits: limits), ports: shape.ports
        )
        return mountingBucket(PodTemplate(spec: PodSpec(
            serviceAccountName: answers.identity.kubernetesServiceAccount,
            nodeSelector: selector.isEmpty ? nil : OrderedMap(pairs: selector),
            tolerations: tolerations,
            containers: [container]
        )), answers)
    }

    /// The head's memory limit: the request, but at least 5Gi (KubeRay's GKE sample; small heads get OOM-killed).
    static func memoryLimit(for request: String) -> String {
        let floor = 5 * 1_073_741_824.0
        guard let bytes = Quantity.bytes(request), bytes < floor else { return request }
        return "5Gi"
    }

    /// A string map that keeps its order, so the YAML is byte-for-byte stable (Swift dictionaries are not).
    public struct OrderedMap: Encodable, Equatable, Sendable, ExpressibleByDictionaryLiteral {
        public var pairs: [(String, String)]

        public init(dictionaryLiteral elements: (String, String)...) { pairs = elements }

        public init(pairs: [(String, String)]) { self.pairs = pairs }

        struct CodingName: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingName.self)
            for (key, value) in pairs { try container.encode(value, forKey: CodingName(stringValue: key)) }
        }

        public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
            lhs.pairs.map(\.0) == rhs.pairs.map(\.0) && lhs.pairs.map(\.1) == rhs.pairs.map(\.1)
        }
    }

    /// The YAML text written to raycluster.yaml (or, for `file`, the workspace file that holds it).
    public func yaml(file: String = WorkspaceFiles.manifest) -> String {
        let body = ManifestYAML.encode(self)
        return "# Written by kuberay-gcs-wizard; apply with: kubectl apply -f \(file)\n" + body
    }
}
