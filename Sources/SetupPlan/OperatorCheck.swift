/// With `ray.networkPolicy`: the setup's proof that the KubeRay operator reaches the Ray dashboard through the head's
/// NetworkPolicy. KubeRay learns each RayJob's status only by asking the dashboard's Jobs API (port 8265) from where
/// the operator runs; the policy lets it in by the namespace the wizard assumes for it (see
/// `NetworkPolicyManifest.operatorNamespace`). A tiny RayJob on the wizard's RayCluster, built as `submit` builds
/// one (the submitter as the KSA, with the cluster's token), succeeds only when the operator's calls get through.
public struct OperatorCheck: Equatable, Sendable {
    public let answers: Answers
    /// The check's RayJob: `submit`'s form with a one-line Python entrypoint.
    public let submission: JobSubmission

    /// What sets the check's RayJob apart from the example job and `submit`'s.
    public static let suffix = "operator-check"
    /// Prints the head's host name: the job does nothing else, so only its status matters.
    public static let entrypoint = ["python", "-c", "import platform; print(platform.node())"]
    /// Seconds `kubectl wait` waits for the job to succeed: the submitter's pod may need the Ray image pulled first.
    public static let waitSeconds = 300

    public init(_ answers: Answers) {
        self.answers = answers
        submission = JobSubmission(checked: answers, argv: Self.entrypoint, suffix: Self.suffix)
    }

    /// The RayJob's name.
    public var name: String { submission.name }

    /// The operator's peer in networkpolicy.yaml, as a person reads it: "the namespace gke-managed-system" or the pod label.
    public static func operatorPeer(_ answers: Answers) -> String {
        NetworkPolicyManifest.operatorNamespace(answers).map { "the namespace \($0)" }
            ?? "pods labelled \(NetworkPolicyManifest.operatorPodLabel.0)=\(NetworkPolicyManifest.operatorPodLabel.1) in any namespace"
    }

    /// The command that shows where KubeRay operators run in the cluster, as a person types it.
    public var operatorPodsCommand: String {
        let (key, value) = NetworkPolicyManifest.operatorPodLabel
        return ShellQuote.join(Commands(answers).kubectl(["get", "pods", "--all-namespaces", "-l", "\(key)=\(value)"]))
    }

    /// The file's text: the RayJob with a header that says what it is for.
    public var yaml: String {
        """
        # Written by kuberay-gcs-wizard: the setup's check that the KubeRay operator reaches the Ray dashboard (port \
        \(RayClusterManifest.dashboardPort))
        # through \(WorkspaceFiles.networkPolicy). Steps start-operator-check, check-operator-reach and end-operator-check \
        replace it, wait
        # for it to succeed and delete it. By hand: kubectl replace --force -f \(WorkspaceFiles.operatorCheck)

        """ + "\n" + ManifestYAML.encode(submission.manifest, width: -1)
    }

    /// What a failed wait reads to say why.
    public var wait: RayJobWait {
        RayJobWait(name: name, namespace: answers.identity.namespace, readJob: submission.statusRead,
                   readSubmitterPods: Commands(answers).kubectl(["get", "pods", "--namespace", answers.identity.namespace, "-l",
                                                                 "batch.kubernetes.io/job-name=" + name, "-o", "json"]))
    }
}

/// The RayJob a wait step waits for, and the read-only commands that tell why it has not succeeded: its status as
/// KubeRay wrote it, and its submitter's pods.
public struct RayJobWait: Equatable, Hashable, Sendable, Codable {
    public var name: String
    public var namespace: String
    /// `kubectl get rayjob NAME -o json`.
    public var readJob: [String]
    /// `kubectl get pods -l batch.kubernetes.io/job-name=NAME -o json`: the submitter's pods.
    public var readSubmitterPods: [String]

    public init(name: String, namespace: String, readJob: [String], readSubmitterPods: [String]) {
        self.name = name
        self.namespace = namespace
        self.readJob = readJob
        self.readSubmitterPods = readSubmitterPods
    }
}
