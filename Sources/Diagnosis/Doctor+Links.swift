import SetupPlan

/// A link's decision: its check, or nil while a read it needs is not in yet.
typealias Link = @Sendable (Facts, [Check]) -> Check?

extension Doctor {
    /// The chain, in the order a request travels it.
    var links: [Link] {
        var links: [Link] = [
            Self.gcloudLink, Self.apisLink, Self.clusterLink, Self.workloadPoolLink, Self.nodePoolsLink,
            Self.kubeAccessLink, Self.rayKindLink, Self.namespaceLink, Self.ksaLink, Self.rayClusterLink, Self.podsLink,
        ]
        if answers.ray.auth == .token { links += [Self.rayAuthLink, Self.authSecretLink] }
        if answers.ray.networkPolicy { links += [Self.networkPolicyLink, Self.operatorReachLink] }
        switch answers.identity.mode {
        case .iamServiceAccount:
            links += [Self.annotationLink, Self.serviceAccountLink, Self.bindingLink]
        case .direct:
            links += [Self.noAnnotationLink, Self.principalLink]
        }
        links += [Self.bucketLink, Self.bucketRoleLink]
        return links
    }

    /// A skipped check when a link `check` needs is not ok; nil when all are.
    static func blocked(_ id: CheckID, _ title: String, needs: [CheckID], _ decided: [Check]) -> Check? {
        for need in needs {
            guard let earlier = decided.first(where: { $0.id == need }) else { continue }
            if earlier.status != .ok {
                return Check(id: id, title: title, status: .skipped, evidence: ["not checked: needs \"\(earlier.title)\""])
            }
        }
        return nil
    }

    /// The check for a read that failed for a reason other than "not found".
    static func unreadable(_ id: CheckID, _ title: String, _ result: ReadResult, advice: String? = nil) -> Check {
        Check(id: id, title: title, status: .broken, evidence: ["cannot read it: \(result.errorLine)"], advice: advice)
    }

    // MARK: Google Cloud

    static let gcloudLink: Link = { f, _ in
        let title = "gcloud account and project"
        guard let account = f.result(ReadID.account), let project = f.result(ReadID.project) else { return nil }
        let who = account.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if !account.succeeded || who.isEmpty || who == "(unset)" {
            return Check(id: .gcloud, title: title, status: .broken, evidence: ["no active gcloud account (\(account.succeeded ? "unset" : account.errorLine))"],
                         advice: "Log in with: gcloud auth login")
        }
        guard let number = f.projectNumber else {
            return Check(id: .gcloud, title: title, status: .broken,
                         evidence: ["account \(who)", "project \(f.answers.project) cannot be read: \(project.errorLine)"],
                         advice: "Check the project ID (answers: project) and that \(who) has access to it.")
        }
        return Check(id: .gcloud, title: title, status: .ok, evidence: ["account \(who)", "project \(f.answers.project) (number \(number))"])
    }

    static let apisLink: Link = { f, decided in
        let title = "APIs enabled"
        if let skip = blocked(.apis, title, needs: [.gcloud], decided) { return skip }
        guard let result = f.result(ReadID.services) else { return nil }
        guard let list = f.json(ReadID.services) else { return unreadable(.apis, title, result) }
        let enabled = Set(list.array.compactMap { $0["config"]["name"].string })
        var needed = ["container.googleapis.com", "storage.googleapis.com"]
        // Only an IAM service account's tokens come from IAM Credentials; the direct principal needs no call to it.
        if f.answers.identity.mode == .iamServiceAccount { needed.append("iamcredentials.googleapis.com") }
        let missing = needed.filter { !enabled.contains($0) }
        if missing.isEmpty { return Check(id: .apis, title: title, status: .ok, evidence: ["enabled: " + needed.joined(separator: ", ")]) }
        return Check(id: .apis, title: title, status: .broken, evidence: ["not enabled: " + missing.joined(separator: ", ")],
                     fix: f.doctor.fixes.step(.enableAPIs))
    }

    static let clusterLink: Link = { f, decided in
        let a = f.answers
        let title = "Cluster \(a.cluster.name) exists and is RUNNING"
        if let skip = blocked(.cluster, title, needs: [.gcloud], decided) { return skip }
        guard let result = f.result(ReadID.cluster) else { return nil }
        guard let cluster = f.json(ReadID.cluster) else {
            if result.notFound {
                return Check(id: .cluster, title: title, status: .broken,
                             evidence: ["no cluster \(a.cluster.name) in \(a.clusterLocation) (project \(a.project))"],
                             fix: f.doctor.fixes.planned(.createCluster),
                             advice: a.cluster.mode == .existing ? "Check cluster.name and cluster.location: gcloud container clusters list --project \(a.project)" : nil)
            }
            return unreadable(.cluster, title, result)
        }
        let status = cluster["status"].string ?? "?"
        let type = f.isAutopilot ? "Autopilot" : "Standard"
        var evidence = ["\(type) cluster in \(a.clusterLocation), status \(status)"]
        if f.isAutopilot != a.isAutopilot {
            evidence.append("the answers say \(a.isAutopilot ? "Autopilot" : "Standard"); doctor follows the cluster")
        }
        guard status == "RUNNING" else {
            return Check(id: .cluster, title: title, status: .broken, evidence: evidence,
                         advice: status == "PROVISIONING" || status == "RECONCILING"
                            ? "It is still being created or updated; run doctor again in a few minutes." : "See: gcloud container operations list --project \(a.project)")
        }
        return Check(id: .cluster, title: title, status: .ok, evidence: evidence)
    }

    static let workloadPoolLink: Link = { f, decided in
        let a = f.answers
        let title = "Workload Identity on the cluster (pool \(a.workloadPool))"
        if let skip = blocked(.workloadPool, title, needs: [.cluster], decided) { return skip }
        guard let cluster = f.json(ReadID.cluster) else { return nil }
        let pool = cluster.path("workloadIdentityConfig.workloadPool").string
        if pool == a.workloadPool { return Check(id: .workloadPool, title: title, status: .ok, evidence: ["workload pool \(a.workloadPool)"]) }
        return Check(id: .workloadPool, title: title, status: .broken,
                     evidence: [pool.map { "workload pool \($0), not \(a.workloadPool)" } ?? "Workload Identity is off: the cluster has no workload pool"],
                     fix: f.doctor.fixes.step(.enableWorkloadIdentity))
    }

    static let nodePoolsLink: Link = { f, decided in
        let a = f.answers
        let title = "Node pools that run Ray pods use the GKE metadata server"
        if let skip = blocked(.nodePools, title, needs: [.cluster], decided) { return skip }
        guard let cluster = f.json(ReadID.cluster) else { return nil }
        if f.isAutopilot {
            return Check(id: .nodePools, title: title, status: .ok, evidence: ["Autopilot: every node runs the GKE metadata server"])
        }
        let pools = cluster["nodePools"].array.compactMap { pool -> (String, String)? in
            guard let name = pool["name"].string else { return nil }
            return (name, pool.path("config.workloadMetadataConfig.mode").string ?? "GCE_METADATA")
        }
        // The head and CPU workers run on the cluster's pool, each GPU worker group on a pool of its own.
        let gpuPools = Dictionary(uniqueKeysWithValues: a.gpuNodePoolGroups.map { ($0.nodePoolName, $0.name) })
        let rayPools = [a.resolvedNodePool] + a.gpuNodePoolGroups.map(\.nodePoolName)
        var evidence = pools.map { "\($0.0): \($0.1)" + (rayPools.contains($0.0) ? " (runs Ray pods)" : "") }
        var fix: [[String]] = [], noPool = false
        for name in rayPools {
            guard let pool = pools.first(where: { $0.0 == name }) else {
                if let group = gpuPools[name] {
                    evidence.append("no node pool \(name) for the GPU worker group \(group)")
                    fix += f.doctor.fixes.step(.createNodePool(group: group))
                } else {
                    evidence.append("no node pool \(name) (answers: cluster.nodePool)")
                    noPool = true
                }
                continue
            }
            if pool.1 != Vocabulary.gkeMetadata { fix += f.doctor.fixes.metadataServer(pool: name) }
        }
        if fix.isEmpty && !noPool { return Check(id: .nodePools, title: title, status: .ok, evidence: evidence) }
        return Check(id: .nodePools, title: title, status: .broken, evidence: evidence, fix: fix,
                     advice: noPool ? "Set cluster.nodePool to the pool the Ray pods run on." : nil)
    }
}
