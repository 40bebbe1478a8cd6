/// A RayJob (ray.io/v1) for these answers that writes to the bucket as the KSA: every pod template, the submitter's
/// included, comes from `RayClusterManifest.podTemplate`, so the job has the RayCluster's identity wiring.
public struct RayJobManifest: Encodable, Equatable, Sendable {
    public var apiVersion = "ray.io/v1"
    public var kind = "RayJob"
    public var metadata: RayClusterManifest.Metadata
    public var spec: Spec

    public struct Spec: Encodable, Equatable, Sendable {
        public var entrypoint: String
        /// The wizard's RayCluster, by the label KubeRay puts on it; nil when the job brings its own cluster.
        public var clusterSelector: RayClusterManifest.OrderedMap?
        /// The job's own cluster: the RayCluster manifest's spec; nil when the job targets the wizard's cluster.
        public var rayClusterSpec: RayClusterManifest.Spec?
        /// Delete the job's own cluster once the job ends.
        public var shutdownAfterJobFinishes: Bool?
        public var ttlSecondsAfterFinished: Int?
        /// KubeRay gives the default submitter pod no service account (it runs as the namespace's `default`), so the
        /// template is always spelled out.
        public var submitterPodTemplate: RayClusterManifest.PodTemplate
    }

    /// Which cluster the job runs on.
    public enum Target: Equatable, Sendable {
        /// The RayCluster the wizard applied, by `clusterSelector`.
        case wizardCluster
        /// A cluster of its own (`rayClusterSpec`), named by KubeRay after the job and deleted when the job ends.
        case ownCluster
    }

    /// The label KubeRay puts on a RayCluster's objects and that `clusterSelector` matches.
    public static let clusterLabel = "ray.io/cluster"
    /// The submitter's container: KubeRay runs `ray job submit` in the first container of the template.
    public static let submitterContainerName = "ray-job-submitter"
    /// The object the example job writes, relative to the bucket (or to the mount path).
    public static let exampleObject = "rayjob-example.txt"
    /// Seconds an own cluster stays after the job ends, for reading its logs.
    public static let ownClusterTTLSeconds = 60

    /// The example RayJob for `answers` on `target`.
    public init(_ answers: Answers, target: Target) {
        self.init(answers, target: target, name: Self.jobName(answers, target: target), entrypoint: Self.exampleEntrypoint(answers))
    }

    /// The RayJob `name` for `answers` on `target` that runs `entrypoint` (a shell command line, as Ray runs it).
    public init(_ answers: Answers, target: Target, name: String, entrypoint: String) {
        let cluster = RayClusterManifest(answers)
        metadata = RayClusterManifest.Metadata(name: name, namespace: answers.identity.namespace, labels: cluster.metadata.labels)
        // The operator sets the token on the submitter only when the cluster it submits to has `authOptions`; the
        // wizard's cluster may be the manual form, so that submitter reads the token from the Secret both forms keep.
        // An own cluster's Secret is named after the cluster KubeRay creates, so there the operator's variables are
        // the only way.
        let submitterShape = RayClusterManifest.PodShape(
            containerName: Self.submitterContainerName, cpu: "500m", memory: "1Gi", memoryLimit: "1Gi", gpu: nil, ports: nil
        )
        var submitter = RayClusterManifest.podTemplate(
            submitterShape, answers, tokenForm: target == .wizardCluster ? .secretEnvironment : .authOptions
        )
        submitter.spec.restartPolicy = "Never"
        switch target {
        case .wizardCluster:
            spec = Spec(entrypoint: entrypoint,
                        clusterSelector: RayClusterManifest.OrderedMap(pairs: [(Self.clusterLabel, answers.ray.clusterName)]),
                        submitterPodTemplate: submitter)
        case .ownCluster:
            spec = Spec(entrypoint: entrypoint, rayClusterSpec: cluster.spec,
                        shutdownAfterJobFinishes: true, ttlSecondsAfterFinished: Self.ownClusterTTLSeconds,
                        submitterPodTemplate: submitter)
        }
    }

    /// KubeRay's longest RayJob name: its own cluster is named after it plus six characters, within 53.
    public static let maxNameLength = 47

    /// The RayJob's name: the RayCluster's, shortened to fit, then what sets the job apart.
    public static func jobName(_ answers: Answers, target: Target) -> String {
        let suffix = target == .wizardCluster ? "-job" : "-own-job"
        var base = String(answers.ray.clusterName.prefix(maxNameLength - suffix.count))
        while base.hasSuffix("-") { base.removeLast() }
        return base + suffix
    }

    /// A one-line Python program run on the head as the KSA: with the mount on, a file written at the mount path
    /// (an object in the bucket); otherwise an upload through the Cloud Storage JSON API with the token of the
    /// metadata server, standard library only. Single quotes only: KubeRay and `ray job submit` pass it through bash
    /// inside double quotes.
    public static func exampleEntrypoint(_ answers: Answers) -> String {
        "python -c \"\(exampleProgram(answers))\""
    }

    /// The example job as the words of a command (`submit`'s argv): the same program as `exampleEntrypoint`.
    public static func exampleArgv(_ answers: Answers) -> [String] {
        ["python", "-c", exampleProgram(answers)]
    }

    private static func exampleProgram(_ answers: Answers) -> String {
        if answers.bucket.mount {
            let path = answers.bucket.mountPath + "/" + exampleObject
            return "import socket; open('\(path)', 'w').write('written by a RayJob on ' + socket.gethostname()); "
                + "print('wrote \(path), gs://\(answers.bucket.name)/\(exampleObject)')"
        }
        let metadata = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
        let upload = "https://storage.googleapis.com/upload/storage/v1/b/\(answers.bucket.name)/o?uploadType=media&name=\(exampleObject)"
        return "import json, socket, urllib.request as r; "
            + "token = json.load(r.urlopen(r.Request('\(metadata)', headers={'Metadata-Flavor': 'Google'})))['access_token']; "
            + "r.urlopen(r.Request('\(upload)', data=('written by a RayJob on ' + socket.gethostname()).encode(), "
            + "headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'text/plain'})); "
            + "print('wrote gs://\(answers.bucket.name)/\(exampleObject)')"
    }

    /// The YAML text of an example written to `file` in the workspace; the entrypoint on one line, as a person edits
    /// it. `note`: a comment line of what the file needs, after the header.
    public func yaml(file: String, note: String? = nil) -> String {
        yaml(header: ["Written by kuberay-gcs-wizard: an example RayJob that runs as the KSA. Edit `entrypoint`, then run it with:",
                      "  kubectl apply -f \(file)",
                      "A finished RayJob is not run again: delete it first (kubectl delete -f \(file))."],
             note: note)
    }

    /// The YAML text under the comment lines `header` (and `note`, then a blank line); the entrypoint on one line.
    public func yaml(header: [String], note: String? = nil) -> String {
        header.map { "# \($0)\n" }.joined() + (note.map { "# \($0)\n\n" } ?? "") + ManifestYAML.encode(self, width: -1)
    }

    /// What the own-cluster form needs with token auth: its cluster takes the token through `authOptions` only.
    static let ownClusterAuthNote = "Its cluster gets Ray's token from spec.authOptions, which needs KubeRay 1.5.1 or later: an older "
        + "operator drops the field and the cluster's Ray ports stay open."
}

extension Plan {
    /// The workspace files holding a RayJob, as export writes them: one on the wizard's RayCluster, one that brings its
    /// own cluster, and with `ray.networkPolicy` the setup's operator check.
    public var rayJobFiles: [(name: String, text: String)] {
        [(WorkspaceFiles.rayJob, RayJobManifest(answers, target: .wizardCluster).yaml(file: WorkspaceFiles.rayJob)),
         (WorkspaceFiles.ownClusterRayJob, RayJobManifest(answers, target: .ownCluster).yaml(
            file: WorkspaceFiles.ownClusterRayJob, note: answers.ray.auth == .token ? RayJobManifest.ownClusterAuthNote : nil))]
            + (answers.ray.networkPolicy ? [(WorkspaceFiles.operatorCheck, OperatorCheck(answers).yaml)] : [])
    }
}
