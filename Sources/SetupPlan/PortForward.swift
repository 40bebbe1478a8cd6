/// What `session` forwards: the Ray head service's dashboard and client ports, through the wizard's kube context.
public struct PortForward: Sendable, Equatable {
    /// One forwarded port of the head.
    public struct Port: Sendable, Equatable {
        /// How the person knows it, e.g. `dashboard`.
        public var name: String
        /// The head's port.
        public var remote: Int

        public init(name: String, remote: Int) {
            self.name = name
            self.remote = remote
        }
    }

    /// The Ray dashboard (and Jobs API) on the head.
    public static let dashboard = Port(name: "dashboard", remote: RayClusterManifest.dashboardPort)
    /// The Ray client server (`ray://`) on the head.
    public static let client = Port(name: "Ray client", remote: RayClusterManifest.clientPort)
    /// How many local ports from the first one are tried for each head port before giving up.
    public static let portsTried = 10
    /// The address kubectl listens on: IPv4 loopback only, so the URL printed is the one that answers.
    public static let address = "127.0.0.1"

    public let answers: Answers
    /// The ports forwarded, dashboard first.
    public let ports: [Port]

    public init(_ answers: Answers) {
        self.answers = answers
        ports = [Self.dashboard, Self.client]
    }

    /// The head service of the RayCluster, e.g. `raycluster-mini-head-svc`.
    public var service: String { "\(answers.ray.clusterName)-head-svc" }

    /// `kubectl port-forward` of the head service from the local ports `local` (one for each of `ports`).
    public func argv(local: [Int]) -> [String] {
        let pairs = zip(local, ports).map { "\($0):\($1.remote)" }
        return Commands(answers).kubectl(["port-forward", "service/\(service)", "--namespace", answers.identity.namespace,
                                          "--address", Self.address] + pairs)
    }

    /// `http://127.0.0.1:PORT` of the dashboard forwarded to local `port`.
    public static func dashboardURL(port: Int) -> String { "http://\(address):\(port)" }

    /// `ray://127.0.0.1:PORT` of the Ray client forwarded to local `port`.
    public static func clientAddress(port: Int) -> String { "ray://\(address):\(port)" }
}
