import SetupPlan

/// With `ray.networkPolicy` on an existing cluster: whether the cluster enforces NetworkPolicies at all. A policy it
/// ignores only looks like protection, so this stops the run, as the plan's own check-policy-enforcement step does
/// when preflight is skipped.
extension Preflight {
    static let policyEnforcementCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let a = f.answers
        guard let result = f.results[ReadID.cluster] else { return nil }
        let title = "Cluster \(a.cluster.name) enforces NetworkPolicies (ray.networkPolicy)"
        if result.notFound {
            return Check(id: .policyEnforcement, title: title, status: .skipped, evidence: ["no cluster \(a.cluster.name) to read"])
        }
        guard result.succeeded, let cluster = f.json(ReadID.cluster), cluster["name"].string != nil else {
            return f.unreadable(.policyEnforcement, title, read: ReadID.cluster, why: result.succeeded ? "the answer is not a cluster" : nil)
        }
        let datapath = cluster.path("networkConfig.datapathProvider").string
        if datapath == NetworkPolicyManifest.advancedDatapath {
            return Check(id: .policyEnforcement, title: title, status: .ok,
                         evidence: ["Dataplane V2 (networkConfig.datapathProvider \(NetworkPolicyManifest.advancedDatapath))"])
        }
        if cluster.path("networkPolicy.enabled").bool == true {
            return Check(id: .policyEnforcement, title: title, status: .ok, evidence: ["network policy enforcement (networkPolicy.enabled true)"])
        }
        return Check(id: .policyEnforcement, title: title, status: .broken,
                     evidence: ["neither Dataplane V2 (networkConfig.datapathProvider is \(datapath ?? "unset")) nor networkPolicy.enabled: "
                                + "the head's NetworkPolicy would be stored and ignored"],
                     advice: NetworkPolicyManifest.enforcementAdvice(f.preflight.commands))
    }
}
