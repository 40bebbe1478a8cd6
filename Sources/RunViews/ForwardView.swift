import RunModel
import SetupPlan

/// Every line `session` prints while its port-forward runs: where the dashboard is, how to authenticate, and each
/// drop and reconnect as it happens.
public struct ForwardView: Sendable {
    private let forward: PortForward
    /// The shell line that loads the Ray token without showing it; nil when the cluster has no token auth.
    private let tokenExport: String?
    /// The command that runs a job on the cluster.
    private let submitCommand: String

    public init(forward: PortForward, tokenExport: String?, submitCommand: String) {
        self.forward = forward
        self.tokenExport = tokenExport
        self.submitCommand = submitCommand
    }

    /// What is forwarded from where, before kubectl starts.
    public func start() {
        let a = forward.answers
        Console.out("Forwarding service/\(forward.service) in namespace \(a.identity.namespace) until Ctrl-C,")
        Console.out("  through context \(a.kubeContext).")
    }

    /// One event as it happens.
    public func show(_ event: ForwardEvent) {
        switch event {
        case .portTaken(let name, let wanted, let using):
            Console.out("Local port \(wanted) (\(name)) is taken by another program; using \(using).")
        case .forwarding(let local, let again):
            if again {
                Console.out("Reconnected: \(addresses(local).joined(separator: " and ")).")
            } else {
                for line in ready(local) { Console.out(line) }
            }
        case .dropped(let reason, let retryIn):
            Console.out("The forward dropped: \(reason).")
            Console.out("Reconnecting in \(DurationText.format(retryIn)).")
        }
    }

    /// The last line after Ctrl-C.
    public func stopped() {
        Console.out("Stopped the forward.")
    }

    /// The addresses, the token and the next commands, once the forward first listens.
    func ready(_ local: [Int]) -> [String] {
        let dashboard = PortForward.dashboardURL(port: local[0])
        var lines = ["Ray dashboard: \(dashboard)", "Ray client:    \(PortForward.clientAddress(port: local[1]))"]
        if let tokenExport {
            lines += [
                "The cluster asks for its Ray token; the dashboard's page prompts for it.",
                "Load it into a shell without showing it:",
                "  \(tokenExport)",
                "then, for example:",
                "  curl -H \"Authorization: Bearer $\(RayClusterManifest.authTokenEnvVar)\" \(dashboard)/api/version",
                "  ray job list --address \(dashboard)",
            ]
        } else {
            lines += ["The cluster has no token auth (ray.auth none): whoever reaches these ports",
                      "can run code as the bucket's identity."]
        }
        lines += ["Run a job on the cluster as the bucket's identity with:", "  \(submitCommand)"]
        return lines
    }

    private func addresses(_ local: [Int]) -> [String] {
        [PortForward.dashboardURL(port: local[0]), PortForward.clientAddress(port: local[1])]
    }
}
