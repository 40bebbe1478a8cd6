/// A job `submit` runs on the wizard's RayCluster: the RayJob (the `clusterSelector` form, every template as the KSA,
/// the token from the cluster's Secret) with the user's command, its file in the workspace, and the kubectl commands
/// that apply and follow it.
public struct JobSubmission: Equatable, Sendable {
    public let answers: Answers
    /// The RayJob's name: the example job's, then a suffix that sets this one apart.
    public let name: String
    /// The command line Ray runs (through a shell): each word of the argv quoted, so it arrives as given.
    public let entrypoint: String

    /// The submission of `argv` as job `NAME-SUFFIX`; throws when there is no command to run.
    public init(_ answers: Answers, argv: [String], suffix: String) throws(FieldError) {
        guard argv.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw FieldError(path: "entrypoint", value: nil,
                             rule: "give the command to run after `--`")
        }
        self.init(checked: answers, argv: argv, suffix: suffix)
    }

    /// The submission of `argv`, known to hold a command.
    init(checked answers: Answers, argv: [String], suffix: String) {
        self.answers = answers
        let base = RayJobManifest.jobName(answers, target: .wizardCluster)
        var head = String(base.prefix(RayJobManifest.maxNameLength - suffix.count - 1))
        while head.hasSuffix("-") { head.removeLast() }
        name = head + "-" + suffix
        entrypoint = argv.map(ShellQuote.quote).joined(separator: " ")
    }

    /// The RayJob.
    public var manifest: RayJobManifest {
        RayJobManifest(answers, target: .wizardCluster, name: name, entrypoint: entrypoint)
    }

    /// The RayJob's file, relative to the workspace.
    public var file: String { WorkspaceFiles.jobs + "/" + name + ".yaml" }

    /// The file's text: the manifest under a header that says it is the job `submit` applied, and how to be rid of it.
    public var yaml: String {
        manifest.yaml(header: [
            "Written by kuberay-gcs-wizard submit: the RayJob it applied, running `entrypoint` as the KSA on the RayCluster "
                + answers.ray.clusterName + ".",
            "A finished RayJob stays until deleted (kubectl delete -f \(file)); submit runs a command again as a new RayJob.",
        ])
    }

    private var commands: Commands { Commands(answers) }
    private var namespace: [String] { ["--namespace", answers.identity.namespace] }

    /// `kubectl apply` of the RayJob's file at `path`.
    public func apply(path: String) -> [String] { commands.kubectl(["apply", "-f", path]) }

    /// Reads the wizard's RayCluster by name: fails when it (or the cluster it runs in) is gone.
    public var clusterRead: [String] {
        commands.kubectl(["get", "raycluster", answers.ray.clusterName] + namespace + ["-o", "name"])
    }

    /// Reads the RayJob with its status, as JSON.
    public var statusRead: [String] { commands.kubectl(["get", "rayjob", name] + namespace + ["-o", "json"]) }

    /// The submitter's pods (KubeRay runs it as the Kubernetes Job named after the RayJob): a name and phase a line.
    public var submitterPodsRead: [String] {
        commands.kubectl(["get", "pods"] + namespace + ["-l", "batch.kubernetes.io/job-name=" + name, "-o",
                                                       #"jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\n"}{end}"#])
    }

    /// The Events of the submitter's Job (why its pod cannot be made, as for a missing KSA): a reason and message a line.
    public var submitterEventsRead: [String] {
        commands.kubectl(["get", "events"] + namespace + ["--field-selector", "involvedObject.kind=Job,involvedObject.name=" + name,
                                                          "-o", #"jsonpath={range .items[*]}{.reason}: {.message}{"\n"}{end}"#])
    }

    /// Follows the submitter pod's log: what `ray job submit` and `ray job logs --follow` print.
    public func followLog(pod: String) -> [String] { commands.kubectl(["logs", "--follow", pod] + namespace) }

    /// The commands that follow the job from another terminal, as a person types them.
    public var followCommands: [String] {
        [ShellQuote.join(commands.kubectl(["logs", "--follow", "-l", "batch.kubernetes.io/job-name=" + name] + namespace)),
         ShellQuote.join(commands.kubectl(["get", "rayjob", name] + namespace + ["--watch"]))]
    }
}
