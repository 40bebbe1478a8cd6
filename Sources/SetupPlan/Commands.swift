/// The command pieces several steps (and doctor's reads) share, spelled once.
public struct Commands: Sendable {
    public let answers: Answers

    public init(_ answers: Answers) { self.answers = answers }

    /// A gcloud command, with `--format` when given.
    public func gcloud(_ args: [String], format: String? = nil) -> [String] {
        ["gcloud"] + args + (format.map { ["--format", $0] } ?? [])
    }

    /// `--project P --location L`: the wizard's cluster, wherever gcloud names it.
    var clusterScope: [String] { ["--project", answers.project, "--location", answers.clusterLocation] }

    /// `--cluster NAME` and the cluster's scope: what names one of its node pools.
    var nodePoolScope: [String] { ["--cluster", answers.cluster.name] + clusterScope }

    /// `gcloud container clusters VERB NAME --project P --location L ARGS` of the wizard's cluster.
    func cluster(_ verb: String, _ args: [String] = [], format: String? = nil) -> [String] {
        gcloud(["container", "clusters", verb, answers.cluster.name] + clusterScope + args, format: format)
    }

    /// `gcloud container node-pools VERB POOL --cluster NAME --project P --location L ARGS` of a pool of the cluster.
    func nodePool(_ verb: String, _ pool: String, _ args: [String] = [], format: String? = nil) -> [String] {
        gcloud(["container", "node-pools", verb, pool] + nodePoolScope + args, format: format)
    }

    /// `gcloud container clusters describe` of the wizard's cluster with a `--format`.
    public func clusterDescribe(_ format: String) -> [String] { cluster("describe", format: format) }

    /// `gcloud container clusters update` of the wizard's cluster with one change.
    func clusterUpdate(_ change: [String]) -> [String] { cluster("update", change) }

    /// A kubectl command against the wizard's cluster by its context, never whatever context is current (another
    /// cluster after a switch in another terminal, or days later on resume); another cluster is another command,
    /// so `--replan` redoes the Kubernetes steps there. The context goes last, before any `--` the caller adds.
    public func kubectl(_ args: [String]) -> [String] {
        ["kubectl"] + args + ["--context", answers.kubeContext]
    }

    /// A helm command against the wizard's cluster by its context (see `kubectl`).
    func helm(_ args: [String]) -> [String] {
        ["helm"] + args + ["--kube-context", answers.kubeContext]
    }

    /// Who may impersonate the IAM service account: the KSA, through the workload pool.
    public var workloadIdentityUserMember: String {
        "serviceAccount:\(answers.workloadPool)[\(answers.identity.namespace)/\(answers.identity.kubernetesServiceAccount)]"
    }

    /// Who gets the bucket role: the IAM service account, or the KSA itself as a federation principal.
    public var bucketMember: String {
        switch answers.identity.mode {
        case .iamServiceAccount:
            return "serviceAccount:\(answers.iamServiceAccountEmail)"
        case .direct:
            return "principal://iam.googleapis.com/projects/${\(Placeholder.projectNumber)}/locations/global/workloadIdentityPools/"
                + "\(answers.workloadPool)/subject/ns/\(answers.identity.namespace)/sa/\(answers.identity.kubernetesServiceAccount)"
        }
    }
}
