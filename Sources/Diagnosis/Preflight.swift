import SetupPlan

/// The read-only checks that say no before anything is created, when the cloud is going to say no: billing, the
/// account's roles, names taken, the zone's offer of GPU and machine types, GPU and CPU quotas, organisation policies.
/// Pure, in doctor's shape: the caller runs `reads(after:)` and hands the results to `checks(_:)`.
///
/// ✗ means the run would fail (it does not start); ! means a fact could not be read, or the plan works but not fully
/// (the autoscaler would stop short). A read that fails is a !, never a ✗.
public struct Preflight: Diagnostic {
    public let answers: Answers
    let commands: Commands

    public init(answers: Answers) {
        self.answers = answers
        commands = Commands(answers)
    }

    /// Whether `checks` hold a ✗: the run must not start.
    public static func stops(_ checks: [Check]) -> Bool { checks.contains { $0.status == .broken } }

    /// The closing line: ready (with the warnings counted), or the first ✗.
    public static func summary(_ checks: [Check]) -> String {
        let broken = checks.filter { $0.status == .broken }
        guard let first = broken.first else {
            let warnings = checks.filter { $0.status == .warning }.count
            return "Preflight passed: \(checks.filter { $0.status == .ok }.count) checks hold"
                + (warnings == 0 ? "." : ", \(warnings) with a warning (!).")
        }
        return "Preflight stops the run: \(first.title)" + (broken.count > 1 ? " (and \(broken.count - 1) more)" : "")
            + ". Nothing was created."
    }

    /// Whether a read failed because its API is not enabled yet: the checks are worth reading again once the run has
    /// enabled the APIs.
    public static func waitsForAPIs(_ results: [String: ReadResult]) -> Bool {
        results.values.contains(where: \.serviceDisabled)
    }

    /// The results to keep when the checks read again once the APIs are on: those the server answered (a value, or a
    /// definite "no such thing" or "not yours"). Not kept: a read that waited for an API, a list that came back
    /// incomplete, and one that failed otherwise (a timeout, a tool that did not start).
    public static func answered(_ results: [String: ReadResult]) -> [String: ReadResult] {
        results.filter { _, result in
            !result.serviceDisabled && !result.incomplete && (result.succeeded || result.notFound || result.forbidden)
        }
    }

    public func reads(after results: [String: ReadResult]) -> [DoctorRead] {
        allReads.filter { results[$0.id] == nil }
    }

    public func checks(_ results: [String: ReadResult]) -> [Check] {
        let facts = PreflightFacts(preflight: self, results: results)
        var decided: [Check] = []
        for decide in deciders {
            guard let check = decide(facts) else { return decided }
            decided.append(check)
        }
        return decided
    }

    // MARK: Reads

    enum ReadID {
        static let account = "account", billing = "billing", iamPolicy = "iam-policy", cluster = "cluster", bucket = "bucket"
        static let accelerators = "accelerator-types", machineTypes = "machine-types", region = "region", projectInfo = "project-info"
        static let memberDomains = "org-policy:" + OrgPolicy.memberDomains, managedMembers = "org-policy:" + OrgPolicy.managedMembers
    }

    /// The organisation policy constraints that can refuse the Workload Identity member the plan grants a role: the
    /// KSA's `serviceAccount:PROJECT.svc.id.goog[NS/KSA]` on the IAM service account, or its `principal://` on the
    /// bucket (direct mode).
    enum OrgPolicy {
        static let memberDomains = "iam.allowedPolicyMemberDomains"
        static let managedMembers = "iam.managed.allowedPolicyMembers"
    }

    var allReads: [DoctorRead] {
        let a = answers, c = commands, p = a.project
        var reads = [
            DoctorRead(id: ReadID.account, argv: ["gcloud", "config", "get-value", "account"], timeoutSeconds: 60),
            DoctorRead(id: ReadID.billing, argv: c.gcloud(["billing", "projects", "describe", p], format: "json")),
            DoctorRead(id: ReadID.iamPolicy, argv: c.gcloud(["projects", "get-iam-policy", p], format: "json")),
            DoctorRead(id: ReadID.cluster, argv: c.clusterDescribe("json")),
            DoctorRead(id: ReadID.bucket, argv: c.gcloud(["storage", "buckets", "describe", "gs://\(a.bucket.name)"], format: "json")),
        ]
        let types = gpuTypes
        if !types.isEmpty {
            // Every zone that offers the types, so a fix can name the zones of the region that do.
            reads.append(DoctorRead(id: ReadID.accelerators, argv: c.gcloud(
                ["compute", "accelerator-types", "list", "--project", p, "--filter", "name=(\(types.joined(separator: " ")))"],
                format: "json(name,zone)")))
        }
        let machines = plannedMachines.map(\.machineType)
        if !machines.isEmpty {
            reads.append(DoctorRead(id: ReadID.machineTypes, argv: c.gcloud(
                ["compute", "machine-types", "list", "--project", p,
                 "--filter", "zone~^\(a.region)- AND name=(\(machines.uniqued().joined(separator: " ")))"],
                format: "json(name,zone,guestCpus)")))
        }
        reads += [
            DoctorRead(id: ReadID.region, argv: c.gcloud(["compute", "regions", "describe", a.region, "--project", p], format: "json")),
            DoctorRead(id: ReadID.projectInfo, argv: c.gcloud(["compute", "project-info", "describe", "--project", p], format: "json")),
        ]
        for constraint in [OrgPolicy.memberDomains, OrgPolicy.managedMembers] {
            reads.append(DoctorRead(id: "org-policy:" + constraint, argv: c.gcloud(
                ["org-policies", "describe", constraint, "--project", p, "--effective"], format: "json")))
        }
        return reads
    }

    /// The deciders, in the order the checklist shows them.
    private var deciders: [@Sendable (PreflightFacts) -> Check?] {
        var list: [@Sendable (PreflightFacts) -> Check?] = [Self.billingCheck, Self.rolesCheck, Self.clusterNameCheck]
        if answers.ray.networkPolicy && answers.cluster.mode == .existing { list.append(Self.policyEnforcementCheck) }
        list.append(Self.bucketNameCheck)
        if !gpuTypes.isEmpty { list.append(Self.acceleratorCheck) }
        if !plannedMachines.isEmpty { list.append(Self.machineTypeCheck) }
        if !gpuTypes.isEmpty { list.append(Self.gpuQuotaCheck) }
        list.append(Self.cpuQuotaCheck)
        list.append(Self.orgPolicyCheck)
        return list
    }

    // MARK: What the plan asks of the cloud

    /// The GPU types the worker groups use, in order, once each.
    var gpuTypes: [String] { answers.ray.workers.compactMap { $0.gpu?.type }.uniqued() }

    /// A node pool the plan creates or grows: its machine type and how many nodes it has at least and at most.
    struct NodeDemand {
        var pool: String
        var machineType: String
        var minNodes: Int
        var maxNodes: Int
    }

    /// The nodes the plan may add on Standard: the new cluster's default pool and one pool per GPU group. Autopilot
    /// picks its own machines (none here).
    var plannedMachines: [NodeDemand] {
        guard !answers.isAutopilot else { return [] }
        var demands: [NodeDemand] = []
        if answers.cluster.mode == .createStandard {
            demands.append(NodeDemand(pool: Answers.Cluster.defaultNodePool, machineType: answers.cluster.machineType,
                                      minNodes: answers.cluster.numNodes, maxNodes: max(answers.cluster.numNodes, answers.cluster.maxNodes)))
        }
        for group in answers.gpuNodePoolGroups {
            guard let gpu = group.gpu, let machine = GPUType.named(gpu.type)?.machineType(count: gpu.count) else { continue }
            let pods = podRange(group)
            demands.append(NodeDemand(pool: group.nodePoolName, machineType: machine, minNodes: pods.min, maxNodes: pods.max))
        }
        return demands
    }

    /// How many pods of `group` run at least (they start with the cluster and stay) and at most.
    func podRange(_ group: WorkerGroup) -> (min: Int, max: Int) {
        let always = answers.alwaysRunningWorkerGroups.contains(group)
        if answers.ray.autoscaling { return (always ? group.minReplicas : 0, group.maxReplicas) }
        return (always ? group.replicas : 0, group.replicas)
    }
}

extension ReadResult {
    /// The API the command calls is not enabled in the project (gcloud's SERVICE_DISABLED text; a list command
    /// says it in a warning and exits 0 with an empty list).
    var serviceDisabled: Bool {
        stderr.contains("SERVICE_DISABLED") || stderr.contains("has not been used in project") || stderr.contains("it is disabled")
    }

    /// A list command whose requests did not all succeed: gcloud warns, prints what it got (maybe nothing) and exits 0.
    var incomplete: Bool { stderr.contains("Some requests did not succeed") }

    /// The server refused the read (403): the object belongs to someone who does not let this account see it.
    var forbidden: Bool {
        !succeeded && (stderr.contains("403") || stderr.contains("does not have permission") || stderr.contains("denied"))
    }
}
