/// The command pieces several steps (and doctor's reads) share, spelled once.
public struct Commands: Sendable {
    public let answers: Answers

    public init(_ answers: Answers) { self.answers = answers }

    /// A gcloud command, with `--format` when given.
    public func gcloud(_ args: [String], format: String? = nil) -> [String] {
        ["gcloud"] + args + (format.map { ["--format", $0] } ?? [])
    }

    /// `gcloud container clusters describe` of the wizard's cluster with a `--format`.
    public func clusterDescribe(_ format: String) -> [String] {
        gcloud(["container", "clusters", "describe", answers.cluster.name, "--project", answers.project,
                "--location", answers.clusterLocation], format: format)
    }

    /// `gcloud container clusters update` of the wizard's cluster with one change.
    func clusterUpdate(_ change: [String]) -> [String] {
        gcloud(["container", "clusters", "update", answers.cluster.name, "--project", answers.project,
                "--location", answers.clusterLocation] + change)
    }

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
