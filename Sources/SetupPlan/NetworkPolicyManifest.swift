/// The NetworkPolicy (networking.k8s.io/v1) on the wizard's Ray head, with `ray.networkPolicy`: ingress from every pod
/// of the namespace on any port (workers reach the head's GCS and raylet ports, the RayJob submitter its Jobs API),
/// from the KubeRay operator to the dashboard port only, and with the add-on's Ray monitoring from Prometheus's
/// collectors to the metrics port; nothing else. A model encoded with Yams, like the RayCluster.
public struct NetworkPolicyManifest: Encodable, Equatable, Sendable {
    public var apiVersion = "networking.k8s.io/v1"
    public var kind = "NetworkPolicy"
    public var metadata: RayClusterManifest.Metadata
    public var spec: Spec

    /// The pods the policy selects, and what may reach them.
    public struct Spec: Encodable, Equatable, Sendable {
        public var podSelector: Selector
        public var policyTypes: [String]
        public var ingress: [Rule]
    }

    /// A label selector; `{}` (no labels) selects every pod or namespace.
    public struct Selector: Encodable, Equatable, Sendable {
        public var matchLabels: RayClusterManifest.OrderedMap?
    }

    /// One ingress rule: traffic from any of `from`, to `ports`.
    public struct Rule: Encodable, Equatable, Sendable {
        public var from: [Peer]
        /// nil: every port.
        public var ports: [Port]?
    }

    /// Where traffic may come from: pods by label, in namespaces by label (both: pods in those namespaces).
    public struct Peer: Encodable, Equatable, Sendable {
        public var namespaceSelector: Selector?
        public var podSelector: Selector?
    }

    /// A port of the selected pods.
    public struct Port: Encodable, Equatable, Sendable {
        public var `protocol`: String
        public var port: Int
    }

    /// `networkConfig.datapathProvider` of a GKE cluster with Dataplane V2, which enforces NetworkPolicies.
    public static let advancedDatapath = "ADVANCED_DATAPATH"
    /// How an existing cluster comes to enforce the policy, or the way out: what the plan's check and preflight advise.
    public static func enforcementAdvice(_ commands: Commands) -> String {
        "Turn enforcement on (\(commands.policyEnforcementUpdates.map(ShellQuote.join).joined(separator: ", then ")); GKE recreates "
            + "the nodes), or answer ray.networkPolicy false."
    }

    /// The head's Prometheus metrics port (KubeRay's `metrics-export-port` default).
    public static let metricsPort = 8080
    /// Where Managed Service for Prometheus runs its collectors (`gke-gmp-system` on newer GKE, `gmp-system` before).
    public static let prometheusNamespaces = ["gmp-system", "gke-gmp-system"]

    /// The label every namespace carries with its own name (Kubernetes 1.21 and later).
    public static let namespaceNameLabel = "kubernetes.io/metadata.name"
    /// The label the kuberay-operator Helm chart puts on the operator's pods.
    public static let operatorPodLabel = ("app.kubernetes.io/name", "kuberay-operator")

    /// The policy's name: the RayCluster's, so two setups in one namespace keep theirs apart.
    public static func name(_ answers: Answers) -> String { "\(answers.ray.clusterName)-head-ingress" }

    /// The labels KubeRay puts on the head pod of the RayCluster `clusterName`.
    public static func headLabels(_ answers: Answers) -> RayClusterManifest.OrderedMap {
        ["ray.io/cluster": answers.ray.clusterName, "ray.io/node-type": "head"]
    }

    /// Where the KubeRay operator runs: Helm installs into the kube context's namespace, which get-credentials leaves
    /// unset (`default`); GKE's add-on runs it in `gke-managed-system`. nil for an operator installed by someone else:
    /// its pods are then matched by the Helm chart's label in any namespace.
    public static func operatorNamespace(_ answers: Answers) -> String? {
        switch answers.operator {
        case .helm: return "default"
        case .gkeAddon: return "gke-managed-system"
        case .installed: return nil
        }
    }

    public init(_ answers: Answers) {
        metadata = RayClusterManifest.Metadata(name: Self.name(answers), namespace: answers.identity.namespace,
                                               labels: ["app.kubernetes.io/managed-by": "kuberay-gcs-wizard"])
        let operatorPeer: Peer
        if let namespace = Self.operatorNamespace(answers) {
            operatorPeer = Peer(namespaceSelector: Selector(matchLabels: [Self.namespaceNameLabel: namespace]), podSelector: nil)
        } else {
            operatorPeer = Peer(namespaceSelector: Selector(matchLabels: nil),
                                podSelector: Selector(matchLabels: RayClusterManifest.OrderedMap(pairs: [Self.operatorPodLabel])))
        }
        var ingress = [
            Rule(from: [Peer(namespaceSelector: nil, podSelector: Selector(matchLabels: nil))], ports: nil),
            // The operator asks the dashboard for each RayJob's status.
            Rule(from: [operatorPeer], ports: [Port(protocol: "TCP", port: RayClusterManifest.dashboardPort)]),
        ]
        // The add-on's Ray monitoring scrapes the head's metrics from Managed Service for Prometheus's collectors.
        if answers.operator == .gkeAddon && answers.cluster.rayClusterMonitoring {
            ingress.append(Rule(from: Self.prometheusNamespaces.map { Peer(namespaceSelector: Selector(matchLabels: [Self.namespaceNameLabel: $0]),
                                                                           podSelector: nil) },
                                ports: [Port(protocol: "TCP", port: Self.metricsPort)]))
        }
        spec = Spec(podSelector: Selector(matchLabels: Self.headLabels(answers)), policyTypes: ["Ingress"], ingress: ingress)
    }

    /// The YAML text written to networkpolicy.yaml.
    public func yaml() -> String {
        let body = ManifestYAML.encode(self)
        return "# Written by kuberay-gcs-wizard; apply with: kubectl apply -f \(WorkspaceFiles.networkPolicy)\n" + body
    }
}
