import SetupPlan

/// What the reads said, parsed once for every link's decision.
struct Facts {
    let doctor: Doctor
    let results: [String: ReadResult]
    var answers: Answers { doctor.answers }

    init(_ doctor: Doctor, _ results: [String: ReadResult]) {
        self.doctor = doctor
        self.results = results
    }

    typealias ReadID = Doctor.ReadID

    func result(_ id: String) -> ReadResult? { results[id] }

    /// The parsed stdout of a read that succeeded.
    func json(_ id: String) -> JSONValue? {
        guard let result = results[id], result.succeeded else { return nil }
        return JSONValue(parsing: result.stdout)
    }

    /// The project number, once `gcloud projects describe` answered.
    var projectNumber: String? { json(ReadID.project)?["projectNumber"].string }

    /// The cluster's own word on Autopilot (the answers may be wrong), else the answers'.
    var isAutopilot: Bool {
        if let cluster = json(ReadID.cluster) { return cluster.path("autopilot.enabled").bool ?? false }
        return answers.isAutopilot
    }

    /// The KSA's `iam.gke.io/gcp-service-account` annotation.
    var annotatedServiceAccount: String? {
        json(ReadID.ksa)?["metadata"]["annotations"].stringMap[Vocabulary.serviceAccountAnnotation]
    }

    /// The IAM service account the pods act as: the annotated one when there is one, else the answers'.
    var effectiveServiceAccount: String { annotatedServiceAccount ?? answers.iamServiceAccountEmail }

    /// Who must hold the bucket role: the IAM service account, or the KSA's principal (with the project number read).
    var bucketMember: String? {
        let member = doctor.commands.bucketMember
        guard member.contains("${") else { return member }
        guard let number = projectNumber else { return nil }
        return Placeholder.substitute(member, [Placeholder.projectNumber: number])
    }

    /// The bucket policy's bindings as (role, members).
    var bucketBindings: [(role: String, members: [String])] {
        guard let policy = json(ReadID.bucketPolicy) else { return [] }
        return policy["bindings"].array.compactMap { binding in
            guard let role = binding["role"].string else { return nil }
            return (role, binding["members"].array.compactMap(\.string))
        }
    }

    /// The members that stand for the pods on the bucket: the exact member, in direct mode also the KSA's
    /// namespace as a principal set, and anyone.
    var memberAliases: Set<String> {
        guard let member = bucketMember else { return [] }
        var aliases: Set<String> = [member, "allUsers", "allAuthenticatedUsers"]
        if answers.identity.mode == .direct, let range = member.range(of: "/subject/") {
            aliases.insert(member[..<range.lowerBound].replacingOccurrences(of: "principal://", with: "principalSet://")
                           + "/namespace/\(answers.identity.namespace)")
        }
        return aliases
    }

    /// The roles the bucket's policy grants the pods' member.
    var memberRoles: [String] {
        let aliases = memberAliases
        var roles: [String] = []
        for binding in bucketBindings where binding.members.contains(where: aliases.contains) && !roles.contains(binding.role) {
            roles.append(binding.role)
        }
        return roles
    }

    /// The Ray pods, as listed.
    var pods: [RayPod] {
        guard let list = json(ReadID.pods) else { return [] }
        return list["items"].array.compactMap(RayPod.init)
    }

    /// Pods whose containers run: the in-pod probe can reach them.
    var runningPods: [RayPod] { pods.filter(\.ready) }
}

/// A Ray pod as `kubectl get pods -o json` lists it.
struct RayPod {
    var name: String
    /// `head`, or the worker group's name.
    var group: String
    var serviceAccount: String
    var created: String
    var phase: String
    var ready: Bool
    /// Why it is not scheduled, when it is not.
    var unschedulable: String?
    /// Its containers that start Ray without token authentication (no `RAY_AUTH_MODE=token` or no `RAY_AUTH_TOKEN`).
    var containersWithoutToken: [String]

    init?(_ pod: JSONValue) {
        guard let name = pod["metadata"]["name"].string else { return nil }
        self.name = name
        let labels = pod["metadata"]["labels"].stringMap
        group = labels["ray.io/node-type"] == "head" ? "head" : (labels["ray.io/group"] ?? labels["ray.io/node-type"] ?? "?")
        serviceAccount = pod["spec"]["serviceAccountName"].string ?? "default"
        created = pod["metadata"]["creationTimestamp"].string ?? ""
        phase = pod["status"]["phase"].string ?? "Unknown"
        let conditions = pod["status"]["conditions"].array
        ready = conditions.contains { $0["type"].string == "Ready" && $0["status"].string == "True" }
        unschedulable = conditions.first { $0["type"].string == "PodScheduled" && $0["status"].string == "False" }
            .map { $0["message"].string ?? $0["reason"].string ?? "not scheduled" }
        containersWithoutToken = pod["spec"]["containers"].array.filter { !TokenAuth.isOn(env: $0["env"]) }.compactMap { $0["name"].string }
    }

    /// `head` or `worker group NAME`, for evidence.
    var role: String { group == "head" ? "head" : "worker group \(group)" }
}

/// Names Workload Identity on GKE gives meaning to, spelled once.
enum Vocabulary {
    static let serviceAccountAnnotation = PlanBuilder.serviceAccountAnnotation
    static let metadataSelector = RayClusterManifest.metadataServerLabel
    static let workloadIdentityUser = "roles/iam.workloadIdentityUser"
    static let gkeMetadata = "GKE_METADATA"
}
