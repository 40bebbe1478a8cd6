import Yams

/// The RayCluster (ray.io/v1) for these answers, as a model encoded with Yams: never string templating.
public struct RayClusterManifest: Encodable, Equatable, Sendable {
    public var apiVersion = "ray.io/v1"
    public var kind = "RayCluster"
    public var metadata: Metadata
    public var spec: Spec

    public struct Metadata: Encodable, Equatable, Sendable {
        public var name: String
        public var namespace: String
        public var labels: OrderedMap
    }

    public struct Spec: Encodable, Equatable, Sendable {
        public var rayVersion: String
        public var headGroupSpec: HeadGroupSpec
    }

    public struct HeadGroupSpec: Encodable, Equatable, Sendable {
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
        public var containers: [Container]
        public var volumes: [Volume]?
    }

    public struct Container: Encodable, Equatable, Sendable {
        public var name: String
        public var image: String
        public var resources: Resources
        public var ports: [Port]
        public var volumeMounts: [VolumeMount]?
    }

    public struct Resources: Encodable, Equatable, Sendable {
        public var requests: OrderedMap
        public var limits: OrderedMap
    }

    public struct Port: Encodable, Equatable, Sendable {
        public var containerPort: Int
        public var name: String
    }

    /// The manifest for `answers`: identity on every pod template, nodeSelector only where allowed.
    public init(_ answers: Answers) {
        metadata = Metadata(
            name: answers.ray.clusterName,
            namespace: answers.identity.namespace,
            labels: ["app.kubernetes.io/managed-by": "kuberay-gcs-wizard"]
        )
        let head = Container(
            name: "ray-head",
            image: answers.resolvedImage,
            resources: Resources(
                requests: ["cpu": answers.ray.headCPU, "memory": answers.ray.headMemory],
                limits: ["cpu": answers.ray.headCPU, "memory": Self.memoryLimit(for: answers.ray.headMemory)]
            ),
            ports: [
                Port(containerPort: 6379, name: "gcs-server"),
                Port(containerPort: 8265, name: "dashboard"),
                Port(containerPort: 10001, name: "client"),
            ]
        )
        spec = Spec(
            rayVersion: answers.ray.version,
            headGroupSpec: HeadGroupSpec(
                rayStartParams: ["dashboard-host": "0.0.0.0"],
                template: Self.mountingBucket(PodTemplate(spec: Self.podSpec(answers, containers: [head])), answers)
            )
        )
    }

    /// The nodeSelector key (value "true") that keeps a pod on nodes running the GKE metadata server.
    public static let metadataServerSelector = "iam.gke.io/gke-metadata-server-enabled"

    /// Every Ray pod needs the KSA, and on Standard the GKE metadata server (Autopilot rejects the selector).
    static func podSpec(_ answers: Answers, containers: [Container]) -> PodSpec {
        PodSpec(
            serviceAccountName: answers.identity.kubernetesServiceAccount,
            nodeSelector: answers.usesMetadataNodeSelector ? OrderedMap(dictionaryLiteral: (metadataServerSelector, "true")) : nil,
            containers: containers
        )
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

    /// The YAML text written to raycluster.yaml.
    public func yaml() -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        let body = (try? encoder.encode(self)) ?? ""
        return "# Written by kuberay-gcs-wizard; apply with: kubectl apply -f raycluster.yaml\n" + body
    }
}
