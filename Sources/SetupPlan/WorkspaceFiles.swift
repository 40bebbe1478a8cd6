/// The files of a workspace folder (like Terraform's working directory), each name spelled once.
public enum WorkspaceFiles {
    /// The folder every command uses when no `--workspace` is given, relative to the current directory.
    public static let defaultFolder = "kuberay-gcs-setup"
    /// The normalized answers the plan was made from.
    public static let answers = "answers.yaml"
    /// The RayCluster manifest, written as the plan holds it and applied from there.
    public static let manifest = "raycluster.yaml"
    /// The RayCluster with the Ray token given to the containers from a Secret the plan creates: applied instead of
    /// `manifest` when the operator's RayCluster CRD has no `spec.authOptions`.
    public static let manualAuthManifest = "raycluster-auth-manual.yaml"
    /// The NetworkPolicy on the Ray head, with `ray.networkPolicy`.
    public static let networkPolicy = "networkpolicy.yaml"
    /// An example RayJob on the wizard's RayCluster, its every pod running as the KSA.
    public static let rayJob = "rayjob.yaml"
    /// An example RayJob that brings its own cluster, built like the RayCluster.
    public static let ownClusterRayJob = "rayjob-own-cluster.yaml"
    /// With `ray.networkPolicy`: the RayJob the setup runs to prove the KubeRay operator reaches the Ray dashboard.
    public static let operatorCheck = "rayjob-operator-check.yaml"
    /// The folder of the RayJobs `submit` wrote, one file each.
    public static let jobs = "jobs"
    /// The plan as a reviewable bash script.
    public static let script = "setup.sh"
    /// The setup run's journal.
    public static let journal = "state.json"
    /// A destroy's own journal, next to the setup's.
    public static let destroyJournal = "destroy-state.json"
    /// The setup journal after a finished destroy: kept for the record, out of the way of the next run.
    public static let destroyedSetupJournal = "state.destroyed.json"
    /// The folder of the steps' logs.
    public static let logs = "logs"
    /// What `session`'s kubectl port-forward printed, appended run after run.
    public static let sessionLog = logs + "/session.log"

    /// The log of step `index` (0-based) relative to the workspace, e.g. `logs/05-create-iam-sa.log`.
    public static func logPath(index: Int, stepID: StepID) -> String {
        let number = index + 1 < 10 ? "0\(index + 1)" : "\(index + 1)"
        return "\(logs)/\(number)-\(stepID).log"
    }

    /// The command that continues a run in the workspace at `path`, quoted for a shell,
    /// e.g. `kuberay-gcs-wizard resume --workspace ./kuberay-gcs-setup`.
    public static func resumeCommand(workspace path: String) -> String {
        "kuberay-gcs-wizard resume --workspace \(ShellQuote.quote(path))"
    }

    /// The command that sets up (again) what the answers of the workspace at `path` describe, quoted for a shell.
    public static func applyCommand(workspace path: String) -> String {
        "kuberay-gcs-wizard apply --answers \(ShellQuote.quote(path + "/" + answers)) --workspace \(ShellQuote.quote(path))"
    }

    /// The command that checks the setup of the workspace at `path` link by link, quoted for a shell.
    public static func doctorCommand(workspace path: String) -> String {
        "kuberay-gcs-wizard doctor --workspace \(ShellQuote.quote(path))"
    }

    /// The command that forwards the Ray dashboard and client ports of the workspace at `path`, quoted for a shell.
    public static func sessionCommand(workspace path: String) -> String {
        "kuberay-gcs-wizard session --workspace \(ShellQuote.quote(path))"
    }

    /// The command that runs a Ray job on the workspace's cluster, with `ENTRYPOINT` (or `entrypoint`, as typed) for the
    /// person's own command.
    public static func submitCommand(workspace path: String, entrypoint: String = "ENTRYPOINT") -> String {
        "kuberay-gcs-wizard submit --workspace \(ShellQuote.quote(path)) -- \(entrypoint)"
    }
}
