/// An option of GKE's Ray add-on: its gcloud flag (create, create-auto and clusters update), the cluster field
/// that says it is on, and the answer that asks for it.
struct RayAddonOption: Sendable {
    let flag: String
    /// Under `addonsConfig.rayOperatorConfig` in `clusters describe`.
    let field: String
    let stepID: StepID
    let title: String
    let why: String
    let isAsked: @Sendable (Answers) -> Bool

    static let all = [
        RayAddonOption(flag: "--enable-ray-cluster-logging", field: "rayClusterLoggingConfig", stepID: .enableRayLogging,
                       title: "Turn on Ray cluster logging",
                       why: "The add-on's log-processing sidecar sends each Ray cluster's logs to Cloud Logging.",
                       isAsked: { $0.cluster.rayClusterLogging }),
        RayAddonOption(flag: "--enable-ray-cluster-monitoring", field: "rayClusterMonitoringConfig", stepID: .enableRayMonitoring,
                       title: "Turn on Ray cluster monitoring",
                       why: "The add-on collects each Ray cluster's metrics into Managed Service for Prometheus.",
                       isAsked: { $0.cluster.rayClusterMonitoring }),
    ]

    /// The flags of the options `answers` ask for, for a cluster create.
    static func createFlags(_ answers: Answers) -> [String] { all.filter { $0.isAsked(answers) }.map(\.flag) }

    /// Turning the option on in an existing cluster, probed by the cluster's own field.
    func update(_ c: Commands) -> Step {
        Step(id: stepID, title: title, why: why, argv: c.clusterUpdate([flag]),
             probe: Probe(argv: c.clusterDescribe("value(addonsConfig.rayOperatorConfig.\(field).enabled)"), expect: .equals("True")),
             kind: .update, timeoutSeconds: 1800, retry: PlanBuilder.clusterOperationWait)
    }
}
