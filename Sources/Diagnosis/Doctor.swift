import SetupPlan

/// The read-only diagnosis of an existing setup: which commands to run, and what their outputs say about each
/// link of the chain from gcloud to a Ray pod writing the bucket. Pure: the caller runs the reads.
///
/// Use: ask `reads(after:)` for the next reads, run them, add their results, ask again until it returns none;
/// `checks(_:)` decides every link whose reads are in (in order, so a live view can show them as they come).
public struct Doctor: Sendable {
    public let answers: Answers
    /// Whether to run the in-pod probe (`kubectl exec`) in each Ray pod.
    public let exec: Bool
    /// The in-pod bucket probe (Resources/bucket_probe.py), run with `pod` in each Ray pod.
    public let probeScript: String
    let commands: Commands
    let fixes: FixCommands

    /// How many times the in-pod probe asks the metadata server before it says it is not ready.
    public static let metadataTries = 5
    /// The in-pod probe's object: written, read back and deleted in the bucket; nothing else is ever changed.
    public static func probeObject(pod: String) -> String { "kuberay-gcs-wizard-doctor-\(pod).txt" }

    public init(answers: Answers, exec: Bool = true, probeScript: String) {
        self.answers = answers
        self.exec = exec
        self.probeScript = probeScript
        commands = Commands(answers)
        fixes = FixCommands(answers)
    }

    /// The reads not yet in `results` that can be sent now (some need an earlier read's output); empty when done.
    public func reads(after results: [String: ReadResult]) -> [DoctorRead] {
        var reads = baseReads
        let facts = Facts(self, results)
        if answers.identity.mode == .iamServiceAccount, let annotated = facts.annotatedServiceAccount,
           annotated != answers.iamServiceAccountEmail, annotated.contains("@") {
            reads += serviceAccountReads(annotated)
        }
        if results[ReadID.bucketPolicy] != nil {
            reads += facts.memberRoles.map { roleRead($0) }
        }
        if exec, results[ReadID.pods] != nil {
            reads += facts.runningPods.map { execRead(pod: $0.name) }
        }
        return reads.filter { results[$0.id] == nil }
    }

    /// Every link decided from `results`, in chain order, up to the first one whose reads are not all in.
    public func checks(_ results: [String: ReadResult]) -> [Check] {
        let facts = Facts(self, results)
        var decided: [Check] = []
        for link in links {
            guard let check = link(facts, decided) else { return decided }
            decided.append(check)
        }
        return decided + (Self.podChecks(facts, decided) ?? [])
    }

    /// Whether `checks` hold no broken link.
    public static func healthy(_ checks: [Check]) -> Bool { !checks.contains { $0.status == .broken } }

    /// The closing line: healthy, or the first broken link.
    public static func summary(_ checks: [Check]) -> String {
        let broken = checks.filter { $0.status == .broken }
        guard let first = broken.first else {
            return "Healthy: all \(checks.filter { $0.status == .ok }.count) links checked hold."
        }
        return "Broken: \(first.title)" + (broken.count > 1 ? " (and \(broken.count - 1) more below it)" : "")
    }

    // MARK: Reads

    enum ReadID {
        static let account = "account", project = "project", services = "services", cluster = "cluster"
        static let crd = "crd", namespace = "namespace", ksa = "ksa", rayCluster = "raycluster", pods = "pods"
        static let bucket = "bucket", bucketPolicy = "bucket-policy", authSecret = "auth-secret", networkPolicy = "network-policy"
        static let operatorPods = "operator-pods"
        static func serviceAccount(_ email: String) -> String { "iam-sa:\(email)" }
        static func serviceAccountPolicy(_ email: String) -> String { "iam-sa-policy:\(email)" }
        static func role(_ role: String) -> String { "role:\(role)" }
        static func exec(_ pod: String) -> String { "exec:\(pod)" }
    }

    private var baseReads: [DoctorRead] {
        let a = answers, c = commands, ns = a.identity.namespace, url = "gs://\(a.bucket.name)"
        var reads = [
            DoctorRead(id: ReadID.account, argv: ["gcloud", "config", "get-value", "account"]),
            DoctorRead(id: ReadID.project, argv: c.gcloud(["projects", "describe", a.project], format: "json")),
            DoctorRead(id: ReadID.services, argv: c.gcloud(["services", "list", "--enabled", "--project", a.project], format: "json")),
            DoctorRead(id: ReadID.cluster, argv: c.clusterDescribe("json")),
            DoctorRead(id: ReadID.crd, argv: c.kubectl(["get", "crd", "rayclusters.ray.io", "-o", "json"])),
            DoctorRead(id: ReadID.namespace, argv: c.kubectl(["get", "namespace", ns, "-o", "json"])),
            DoctorRead(id: ReadID.ksa, argv: c.kubectl(["get", "serviceaccount", a.identity.kubernetesServiceAccount, "--namespace", ns, "-o", "json"])),
            DoctorRead(id: ReadID.rayCluster, argv: c.kubectl(["get", "rayclusters.ray.io", a.ray.clusterName, "--namespace", ns, "-o", "json"])),
            DoctorRead(id: ReadID.pods, argv: c.kubectl(["get", "pods", "--namespace", ns, "-l", "ray.io/cluster=\(a.ray.clusterName)", "-o", "json"])),
            // --raw: the Storage API's own fields (projectNumber, iamConfiguration), not gcloud's renamed ones.
            DoctorRead(id: ReadID.bucket, argv: c.gcloud(["storage", "buckets", "describe", url, "--raw"], format: "json")),
            DoctorRead(id: ReadID.bucketPolicy, argv: c.gcloud(["storage", "buckets", "get-iam-policy", url], format: "json")),
        ]
        if a.identity.mode == .iamServiceAccount { reads += serviceAccountReads(a.iamServiceAccountEmail) }
        if a.ray.auth == .token {
            reads.append(DoctorRead(id: ReadID.authSecret, argv: c.kubectl(["get", "secret", RayClusterManifest.tokenSecretName(a),
                                                                             "--namespace", ns, "-o", Self.secretKeysTemplate])))
        }
        if a.ray.networkPolicy {
            reads.append(DoctorRead(id: ReadID.networkPolicy,
                                    argv: c.kubectl(["get", "networkpolicy", NetworkPolicyManifest.name(a), "--namespace", ns, "-o", "json"])))
            let (key, value) = NetworkPolicyManifest.operatorPodLabel
            reads.append(DoctorRead(id: ReadID.operatorPods,
                                    argv: c.kubectl(["get", "pods", "--all-namespaces", "-l", "\(key)=\(value)", "-o", "json"])))
        }
        return reads
    }

    private func serviceAccountReads(_ email: String) -> [DoctorRead] {
        [DoctorRead(id: ReadID.serviceAccount(email),
                    argv: commands.gcloud(["iam", "service-accounts", "describe", email, "--project", answers.project], format: "json")),
         DoctorRead(id: ReadID.serviceAccountPolicy(email),
                    argv: commands.gcloud(["iam", "service-accounts", "get-iam-policy", email, "--project", answers.project], format: "json"))]
    }

    /// A predefined role (`roles/...`) or a project's custom role (`projects/P/roles/ID`).
    private func roleRead(_ role: String) -> DoctorRead {
        let parts = role.split(separator: "/").map(String.init)
        if parts.count == 4, parts[0] == "projects", parts[2] == "roles" {
            return DoctorRead(id: ReadID.role(role), argv: commands.gcloud(["iam", "roles", "describe", parts[3], "--project", parts[1]], format: "json"))
        }
        return DoctorRead(id: ReadID.role(role), argv: commands.gcloud(["iam", "roles", "describe", role], format: "json"))
    }

    private func execRead(pod: String) -> DoctorRead {
        DoctorRead(id: ReadID.exec(pod),
                   argv: commands.kubectl(["exec", pod, "--namespace", answers.identity.namespace]) + ["--", "python", "-c", probeScript, "pod",
                         answers.bucket.name, Self.probeObject(pod: pod), String(Self.metadataTries)],
                   timeoutSeconds: 180, attempts: 3)
    }
}
