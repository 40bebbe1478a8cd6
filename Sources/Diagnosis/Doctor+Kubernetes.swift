import Foundation
import SetupPlan

extension Doctor {
    static let kubeAccessLink: Link = { f, decided in
        let title = "kubectl reaches the cluster (context \(f.answers.kubeContext))"
        if let skip = blocked(.kubeAccess, title, needs: [.cluster], decided) { return skip }
        guard let result = f.result(ReadID.namespace) else { return nil }
        if result.succeeded || result.notFound && !result.missingContext {
            return Check(id: .kubeAccess, title: title, status: .ok, evidence: ["kubectl answered"])
        }
        return Check(id: .kubeAccess, title: title, status: .broken, evidence: ["kubectl: \(result.errorLine)"],
                     fix: result.missingContext ? f.doctor.fixes.step(.getCredentials) : [])
    }

    static let rayKindLink: Link = { f, decided in
        let title = "The RayCluster kind is served (ray.io/v1)"
        if let skip = blocked(.rayClusterKind, title, needs: [.kubeAccess], decided) { return skip }
        guard let result = f.result(ReadID.crd) else { return nil }
        if let crd = f.json(ReadID.crd) {
            let served = crd["spec"]["versions"].array.filter { $0["served"].bool == true }.compactMap { $0["name"].string }
            if served.contains("v1") { return Check(id: .rayClusterKind, title: title, status: .ok, evidence: ["rayclusters.ray.io serves " + served.joined(separator: ", ")]) }
            return Check(id: .rayClusterKind, title: title, status: .broken,
                         evidence: ["rayclusters.ray.io serves only " + served.joined(separator: ", ")],
                         advice: "The KubeRay operator predates ray.io/v1: upgrade it to \(KubeRay.operatorVersion).")
        }
        guard result.notFound else { return unreadable(.rayClusterKind, title, result) }
        let fixes = f.doctor.fixes
        switch f.answers.operator {
        case .gkeAddon:
            return Check(id: .rayClusterKind, title: title, status: .broken, evidence: ["no CRD rayclusters.ray.io: no KubeRay operator"],
                         fix: fixes.step(.enableRayAddon))
        case .helm:
            return Check(id: .rayClusterKind, title: title, status: .broken, evidence: ["no CRD rayclusters.ray.io: no KubeRay operator"],
                         fix: fixes.step(.helmRepo) + fixes.step(.installOperator))
        case .installed:
            return Check(id: .rayClusterKind, title: title, status: .broken, evidence: ["no CRD rayclusters.ray.io: no KubeRay operator"],
                         advice: "Install the KubeRay operator \(KubeRay.operatorVersion), or answer operator: gke-addon or helm.")
        }
    }

    static let namespaceLink: Link = { f, decided in
        let ns = f.answers.identity.namespace
        let title = "Namespace \(ns)"
        if let skip = blocked(.namespace, title, needs: [.kubeAccess], decided) { return skip }
        guard let result = f.result(ReadID.namespace) else { return nil }
        if result.succeeded { return Check(id: .namespace, title: title, status: .ok, evidence: ["namespace \(ns) exists"]) }
        // The plan creates every namespace but `default`, which Kubernetes itself makes.
        return Check(id: .namespace, title: title, status: .broken, evidence: ["no namespace \(ns)"], fix: f.doctor.fixes.planned(.createNamespace))
    }

    static let ksaLink: Link = { f, decided in
        let a = f.answers, ksa = a.identity.kubernetesServiceAccount
        let title = "Kubernetes service account \(a.identity.namespace)/\(ksa)"
        if let skip = blocked(.ksa, title, needs: [.namespace], decided) { return skip }
        guard let result = f.result(ReadID.ksa) else { return nil }
        if let account = f.json(ReadID.ksa) {
            return Check(id: .ksa, title: title, status: .ok,
                         evidence: ["created \(account["metadata"]["creationTimestamp"].string ?? "?")"])
        }
        guard result.notFound else { return unreadable(.ksa, title, result) }
        return Check(id: .ksa, title: title, status: .broken, evidence: ["no service account \(ksa) in \(a.identity.namespace)"],
                     fix: f.doctor.fixes.step(.createKSA))
    }

    static let rayClusterLink: Link = { f, decided in
        let a = f.answers, ksa = a.identity.kubernetesServiceAccount
        let title = "RayCluster \(a.ray.clusterName): every pod template runs as \(ksa)"
            + (f.isAutopilot ? "" : " on the GKE metadata server")
        if let skip = blocked(.rayCluster, title, needs: [.rayClusterKind, .namespace], decided) { return skip }
        guard let result = f.result(ReadID.rayCluster) else { return nil }
        guard let rayCluster = f.json(ReadID.rayCluster) else {
            guard result.notFound else { return unreadable(.rayCluster, title, result) }
            return Check(id: .rayCluster, title: title, status: .broken, evidence: ["no RayCluster \(a.ray.clusterName) in \(a.identity.namespace)"],
                         fix: f.doctor.fixes.step(.applyRayCluster),
                         advice: "\(WorkspaceFiles.manifest) is in the workspace (kuberay-gcs-wizard export --workspace DIR writes it); apply it from there.")
        }
        var templates = [PodTemplate(group: "head", path: "/spec/headGroupSpec/template/spec", spec: rayCluster["spec"]["headGroupSpec"]["template"]["spec"])]
        for (index, group) in rayCluster["spec"]["workerGroupSpecs"].array.enumerated() {
            templates.append(PodTemplate(group: group["groupName"].string ?? "#\(index)", path: "/spec/workerGroupSpecs/\(index)/template/spec",
                                         spec: group["template"]["spec"]))
        }
        var evidence: [String] = [], fix: [[String]] = [], restart: [String] = []
        for template in templates {
            let problems = template.problems(ksa: ksa, metadataSelector: !f.isAutopilot)
            evidence.append(template.describe + (problems.isEmpty ? "" : ": " + problems.map(\.text).joined(separator: "; ")))
            if !problems.isEmpty {
                fix.append(f.doctor.patchCommand(problems.flatMap(\.operations)))
                restart.append(template.group)
            }
        }
        if fix.isEmpty { return Check(id: .rayCluster, title: title, status: .ok, evidence: evidence) }
        // A template change reaches only pods started after it.
        fix += restart.map { f.doctor.fixes.restartPods(group: $0) }
        return Check(id: .rayCluster, title: title, status: .broken, evidence: evidence, fix: fix,
                     advice: "Make the same change in the manifest the RayCluster was applied from, or the next apply undoes it.")
    }

    static let podsLink: Link = { f, decided in
        let a = f.answers, ksa = a.identity.kubernetesServiceAccount
        let title = "Running Ray pods use \(ksa)"
        if let skip = blocked(.pods, title, needs: [.rayCluster, .ksa], decided) { return skip }
        guard let result = f.result(ReadID.pods) else { return nil }
        guard f.json(ReadID.pods) != nil else { return unreadable(.pods, title, result) }
        let pods = f.pods
        if pods.isEmpty {
            let reason = f.json(ReadID.rayCluster)?["status"]["reason"].string
            return Check(id: .pods, title: title, status: .broken,
                         evidence: ["no pods with label ray.io/cluster=\(a.ray.clusterName)"] + (reason.map { ["the RayCluster says: \($0)"] } ?? []))
        }
        let ksaCreated = f.json(ReadID.ksa)?["metadata"]["creationTimestamp"].string ?? ""
        var evidence: [String] = [], stale: [String] = [], broken = false
        for pod in pods {
            var line = "\(pod.name) (\(pod.role)): \(pod.serviceAccount), \(pod.phase)"
            if pod.serviceAccount != ksa {
                line += ": runs as \(pod.serviceAccount), not \(ksa)"
                broken = true
                if !stale.contains(pod.group) { stale.append(pod.group) }
            } else if !ksaCreated.isEmpty && pod.created < ksaCreated {
                // RFC 3339 UTC times of the same form compare as text.
                line += ": started \(pod.created), before the KSA was created (\(ksaCreated)); its token names the old one"
                broken = true
                if !stale.contains(pod.group) { stale.append(pod.group) }
            } else if let why = pod.unschedulable {
                line += ": not scheduled: \(why)"
                broken = true
            }
            evidence.append(line)
        }
        if !broken { return Check(id: .pods, title: title, status: .ok, evidence: evidence) }
        return Check(id: .pods, title: title, status: .broken, evidence: evidence, fix: stale.map { f.doctor.fixes.restartPods(group: $0) },
                     advice: stale.isEmpty ? "Pods wait for nodes that run the GKE metadata server: see the node pools." : nil)
    }

    /// `kubectl patch raycluster NAME --type json -p [...]` with these JSON Patch operations.
    func patchCommand(_ operations: [PatchOperation]) -> [String] {
        commands.kubectl(["patch", "rayclusters.ray.io", answers.ray.clusterName, "--namespace", answers.identity.namespace,
                          "--type", "json", "-p", PatchOperation.document(operations)])
    }
}
