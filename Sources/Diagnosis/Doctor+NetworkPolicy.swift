import SetupPlan

extension Doctor {
    /// With `ray.networkPolicy`: the head's NetworkPolicy exists, selects the head, limits its ingress, and the cluster
    /// enforces it (a policy the cluster ignores protects nothing).
    static let networkPolicyLink: Link = { f, decided in
        let a = f.answers, ns = a.identity.namespace, name = NetworkPolicyManifest.name(a)
        let title = "The NetworkPolicy \(ns)/\(name) guards the Ray head"
        if let skip = blocked(.networkPolicy, title, needs: [.namespace], decided) { return skip }
        guard let result = f.result(ReadID.networkPolicy) else { return nil }
        let apply = f.doctor.fixes.step(.applyNetworkPolicy)
        let inWorkspace = "Run it in the setup's workspace folder, where \(WorkspaceFiles.networkPolicy) is (export writes it)."
        guard let policy = f.json(ReadID.networkPolicy) else {
            guard result.notFound else { return unreadable(.networkPolicy, title, result) }
            return Check(id: .networkPolicy, title: title, status: .broken,
                         evidence: ["no NetworkPolicy \(name) in \(ns): anything that reaches the head's pod reaches every Ray port"],
                         fix: apply, advice: inWorkspace)
        }
        var evidence: [String] = []
        let selector = policy["spec"]["podSelector"]["matchLabels"].stringMap
        let wanted = NetworkPolicyManifest.headLabels(a).pairs
        let selectsHead = selector.count == wanted.count && wanted.allSatisfy { selector[$0.0] == $0.1 }
        let types = policy["spec"]["policyTypes"].array.compactMap(\.string)
        // Without policyTypes a policy limits ingress (egress only when it has egress rules).
        let limitsIngress = types.isEmpty || types.contains("Ingress")
        let shown = selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        evidence.append("selects " + (shown.isEmpty ? "every pod of \(ns)" : shown) + (limitsIngress ? "; limits ingress" : "; does not limit ingress"))
        guard selectsHead && limitsIngress else {
            return Check(id: .networkPolicy, title: title, status: .broken,
                         evidence: evidence + ["it should select exactly the head (\(wanted.map { "\($0.0)=\($0.1)" }.joined(separator: ","))) and limit its ingress"],
                         fix: apply, advice: inWorkspace)
        }
        if let cluster = f.json(ReadID.cluster) {
            let datapath = cluster.path("networkConfig.datapathProvider").string
            let legacy = cluster.path("networkPolicy.enabled").bool ?? false
            if datapath == NetworkPolicyManifest.advancedDatapath {
                evidence.append("enforced: Dataplane V2 (networkConfig.datapathProvider \(NetworkPolicyManifest.advancedDatapath))")
            } else if legacy {
                evidence.append("enforced: network policy enforcement (networkPolicy.enabled true)")
            } else {
                return Check(id: .networkPolicy, title: title, status: .broken,
                             evidence: evidence + ["not enforced: the cluster has neither Dataplane V2 (networkConfig.datapathProvider is "
                                                    + "\(datapath ?? "unset")) nor networkPolicy.enabled"],
                             fix: f.doctor.commands.policyEnforcementUpdates,
                             advice: "GKE recreates the nodes for --enable-network-policy; Dataplane V2 can only be chosen when a cluster is created.")
            }
        }
        return Check(id: .networkPolicy, title: title, status: .ok, evidence: evidence)
    }
}
