import SetupPlan

extension Doctor {
    /// With `ray.networkPolicy`: the KubeRay operator's pods are admitted to the head's dashboard port by the policy in
    /// the cluster, read-only: the operator's pods (the Helm chart's label, any namespace) against the policy's rules.
    /// GKE's add-on may run its operator where no pod is listed; then only `apply`'s RayJob check can tell.
    static let operatorReachLink: Link = { f, decided in
        let a = f.answers
        let title = "The KubeRay operator reaches the Ray dashboard (\(RayClusterManifest.dashboardPort)) through the NetworkPolicy"
        if let skip = blocked(.operatorReach, title, needs: [.networkPolicy], decided) { return skip }
        guard let read = f.result(ReadID.operatorPods), let policy = f.json(ReadID.networkPolicy) else { return nil }
        let (key, value) = NetworkPolicyManifest.operatorPodLabel
        let check = OperatorCheck(a)
        let proof = "apply proves it with a RayJob (step check-operator-reach, run again by kuberay-gcs-wizard apply); a RayJob that "
            + "stays Running without a jobStatus while its submitter pod has finished is the sign of an operator the policy keeps out."
        guard let list = f.json(ReadID.operatorPods) else {
            return Check(id: .operatorReach, title: title, status: .warning,
                         evidence: ["cannot list the operator's pods: \(read.errorLine)"], advice: proof)
        }
        let pods = list["items"].array.map { pod in
            (name: pod["metadata"]["name"].string ?? "?", namespace: pod["metadata"]["namespace"].string ?? "",
             labels: pod["metadata"]["labels"].stringMap)
        }
        guard !pods.isEmpty else {
            return Check(id: .operatorReach, title: title, status: .warning,
                         evidence: ["no pod labelled \(key)=\(value) in any namespace"
                                    + (a.operator == .gkeAddon ? " (GKE may run its Ray operator outside the cluster's pods)" : ""),
                                    "the policy's rule for the operator admits " + OperatorCheck.operatorPeer(a)],
                         advice: proof)
        }
        let rules = policy["spec"]["ingress"].array
        let policyNamespace = policy["metadata"]["namespace"].string ?? a.identity.namespace
        let admitted = pods.filter { pod in
            rules.contains { admits($0, policyNamespace: policyNamespace, namespace: pod.namespace, labels: pod.labels) }
        }
        let evidence = pods.map { pod in
            "operator pod \(pod.namespace)/\(pod.name): " + (admitted.contains { $0.name == pod.name && $0.namespace == pod.namespace }
                ? "admitted on \(RayClusterManifest.dashboardPort)" : "not admitted")
        }
        if !admitted.isEmpty { return Check(id: .operatorReach, title: title, status: .ok, evidence: evidence) }
        let namespace = pods[0].namespace
        return Check(id: .operatorReach, title: title, status: .broken,
                     evidence: evidence + ["every RayJob, submit's included, stays Running without a status: KubeRay cannot read it"],
                     advice: "Put \(namespace) in the operator's rule of \(WorkspaceFiles.networkPolicy) (namespaceSelector matchLabels "
                        + "\(NetworkPolicyManifest.namespaceNameLabel): \(namespace)), then in the setup's workspace run "
                        + "kubectl apply -f \(WorkspaceFiles.networkPolicy) --context \(a.kubeContext). Where the operators run: "
                        + check.operatorPodsCommand)
    }

    /// Whether an ingress rule of a NetworkPolicy in `policyNamespace` admits a pod of `namespace` with `labels` on the
    /// head's dashboard port (by number, within an endPort range, or by the head container's port name). A namespace is
    /// known here by its name label only (`kubernetes.io/metadata.name`), the label the wizard's policy selects on.
    static func admits(_ rule: JSONValue, policyNamespace: String, namespace: String, labels: [String: String]) -> Bool {
        let port = RayClusterManifest.dashboardPort
        let ports = rule["ports"].array
        let portOK = ports.isEmpty || ports.contains { p in
            guard (p["protocol"].string ?? "TCP") == "TCP" else { return false }
            guard p["port"].exists else { return true }
            if let name = p["port"].raw as? String { return name == RayClusterManifest.dashboardPortName }
            let first = Int(p["port"].number ?? -1), last = p["endPort"].number.map { Int($0) } ?? first
            return (first...max(first, last)).contains(port)
        }
        let peers = rule["from"].array
        guard portOK else { return false }
        if peers.isEmpty { return true }
        let namespaceLabels = [NetworkPolicyManifest.namespaceNameLabel: namespace]
        return peers.contains { peer in
            if peer["ipBlock"].exists { return false }
            if peer["namespaceSelector"].exists {
                guard selects(peer["namespaceSelector"], namespaceLabels) else { return false }
            } else if namespace != policyNamespace {
                return false  // a podSelector alone picks pods of the policy's own namespace
            }
            return !peer["podSelector"].exists || selects(peer["podSelector"], labels)
        }
    }

    /// A LabelSelector against `labels`: every matchLabels pair, every matchExpression; `{}` selects everything.
    static func selects(_ selector: JSONValue, _ labels: [String: String]) -> Bool {
        guard selector["matchLabels"].stringMap.allSatisfy({ labels[$0.key] == $0.value }) else { return false }
        return selector["matchExpressions"].array.allSatisfy { expr in
            let key = expr["key"].string ?? "", values = expr["values"].array.compactMap(\.string)
            switch expr["operator"].string {
            case "In": return labels[key].map(values.contains) ?? false
            case "NotIn": return labels[key].map { !values.contains($0) } ?? true
            case "Exists": return labels[key] != nil
            case "DoesNotExist": return labels[key] == nil
            default: return false
            }
        }
    }
}
