import SetupPlan

extension Doctor {
    static let annotationLink: Link = { f, decided in
        let a = f.answers, email = a.iamServiceAccountEmail, key = Vocabulary.serviceAccountAnnotation
        let title = "The KSA is annotated \(key)=\(email)"
        if let skip = blocked(.annotation, title, needs: [.ksa], decided) { return skip }
        guard let account = f.json(ReadID.ksa) else { return nil }
        let annotations = account["metadata"]["annotations"].stringMap
        if annotations[key] == email { return Check(id: .annotation, title: title, status: .ok, evidence: ["\(key)=\(email)"]) }
        var evidence: [String]
        if let other = annotations[key] {
            evidence = ["\(key)=\(other): not \(email)"]
            // Read once the KSA named it (see reads(after:)).
            if other.contains("@") && f.result(ReadID.serviceAccount(other)) == nil { return nil }
            if let result = f.result(ReadID.serviceAccount(other)), result.notFound {
                evidence.append("no IAM service account \(other)")
            }
        } else {
            let nearMisses = annotations.keys.filter { $0 != key && PodTemplate.nearMiss($0, key) }.sorted()
            evidence = nearMisses.isEmpty ? ["no \(key) annotation: the pods act as the KSA's own principal"]
                : nearMisses.map { "\($0)=\(annotations[$0] ?? ""): a misspelt \(key)" }
        }
        return Check(id: .annotation, title: title, status: .broken, evidence: evidence, fix: f.doctor.fixes.step(.annotateKSA))
    }

    static let serviceAccountLink: Link = { f, decided in
        let email = f.answers.iamServiceAccountEmail
        let title = "IAM service account \(email) exists"
        if let skip = blocked(.iamServiceAccount, title, needs: [.gcloud], decided) { return skip }
        guard let result = f.result(ReadID.serviceAccount(email)) else { return nil }
        if let account = f.json(ReadID.serviceAccount(email)) {
            let disabled = account["disabled"].bool == true
            return Check(id: .iamServiceAccount, title: title, status: disabled ? .broken : .ok,
                         evidence: [disabled ? "\(email) is disabled" : "\(email) (unique id \(account["uniqueId"].string ?? "?"))"],
                         advice: disabled ? "Enable it: gcloud iam service-accounts enable \(email) --project \(f.answers.project)" : nil)
        }
        guard result.notFound else { return unreadable(.iamServiceAccount, title, result) }
        return Check(id: .iamServiceAccount, title: title, status: .broken, evidence: ["no IAM service account \(email)"], fix: f.doctor.fixes.step(.createIAMServiceAccount))
    }

    static let bindingLink: Link = { f, decided in
        let a = f.answers, email = a.iamServiceAccountEmail, member = f.doctor.commands.workloadIdentityUserMember
        let title = "\(Vocabulary.workloadIdentityUser) on \(email) for \(member)"
        if let skip = blocked(.workloadIdentityBinding, title, needs: [.iamServiceAccount], decided) { return skip }
        guard let result = f.result(ReadID.serviceAccountPolicy(email)) else { return nil }
        guard let policy = f.json(ReadID.serviceAccountPolicy(email)) else { return unreadable(.workloadIdentityBinding, title, result) }
        let members = policy["bindings"].array.filter { $0["role"].string == Vocabulary.workloadIdentityUser }
            .flatMap { $0["members"].array.compactMap(\.string) }
        if members.contains(member) { return Check(id: .workloadIdentityBinding, title: title, status: .ok, evidence: ["granted to \(member)"]) }
        var evidence = members.isEmpty ? ["\(Vocabulary.workloadIdentityUser) is granted to nobody: the pods get 403 getAccessToken"] : []
        for other in members {
            evidence.append("granted to \(other)" + (Self.memberDifference(other, wanted: member, a).map { ": \($0)" } ?? ""))
        }
        return Check(id: .workloadIdentityBinding, title: title, status: .broken, evidence: evidence, fix: f.doctor.fixes.step(.bindWorkloadIdentity))
    }

    /// What differs between a `serviceAccount:POOL[NS/KSA]` member and the wanted one.
    static func memberDifference(_ member: String, wanted: String, _ a: Answers) -> String? {
        let prefix = "serviceAccount:"
        guard member.hasPrefix(prefix), let open = member.firstIndex(of: "["), let close = member.lastIndex(of: "]"), open < close else { return nil }
        let pool = member.dropFirst(prefix.count).prefix { $0 != "[" }
        let parts = member[member.index(after: open)..<close].split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        var differences: [String] = []
        if pool != a.workloadPool { differences.append("the pool is \(pool), not \(a.workloadPool)") }
        if parts[0] != a.identity.namespace { differences.append("the namespace is \(parts[0]), not \(a.identity.namespace)") }
        if parts[1] != a.identity.kubernetesServiceAccount { differences.append("the KSA is \(parts[1]), not \(a.identity.kubernetesServiceAccount)") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    /// Direct mode: an annotation would make the metadata server hand out that IAM service account instead.
    static let noAnnotationLink: Link = { f, decided in
        let a = f.answers, key = Vocabulary.serviceAccountAnnotation
        let title = "The KSA has no \(key) annotation (direct principal)"
        if let skip = blocked(.annotation, title, needs: [.ksa], decided) { return skip }
        guard let account = f.json(ReadID.ksa) else { return nil }
        guard let other = account["metadata"]["annotations"].stringMap[key] else {
            return Check(id: .annotation, title: title, status: .ok, evidence: ["not annotated: the pods act as the KSA's principal"])
        }
        return Check(id: .annotation, title: title, status: .broken,
                     evidence: ["\(key)=\(other): the pods act as \(other), and the bucket role is granted to the KSA's principal"],
                     fix: [f.doctor.commands.kubectl(["annotate", "serviceaccount", a.identity.kubernetesServiceAccount,
                                                      "--namespace", a.identity.namespace, key + "-"])])
    }

    /// Direct mode: the principal on the bucket names this project's number, namespace and KSA.
    static let principalLink: Link = { f, decided in
        let title = "The bucket names the KSA's principal (project number, namespace, KSA)"
        if let skip = blocked(.principal, title, needs: [.gcloud], decided) { return skip }
        guard f.result(ReadID.bucketPolicy) != nil else { return nil }
        guard let member = f.bucketMember else { return nil }
        if !f.memberRoles.isEmpty {
            return Check(id: .principal, title: title, status: .ok, evidence: ["\(member) has " + f.memberRoles.joined(separator: ", ")])
        }
        let principals = f.bucketBindings.flatMap { binding in binding.members.filter { $0.hasPrefix("principal") }.map { (binding.role, $0) } }
        guard !principals.isEmpty else {
            // No principal at all: the role link says so with its fix.
            return Check(id: .principal, title: title, status: .ok, evidence: ["no Workload Identity principal on the bucket yet (see the role)"])
        }
        let evidence = principals.map { "\($0.0) for \($0.1)" + (Self.principalDifference($0.1, f).map { ": \($0)" } ?? "") }
        return Check(id: .principal, title: title, status: .broken, evidence: evidence,
                     fix: f.doctor.fixes.step(.grantBucketRole, projectNumber: f.projectNumber))
    }

    /// What differs between a `principal://...` member and the KSA's.
    static func principalDifference(_ member: String, _ f: Facts) -> String? {
        let a = f.answers
        let parts = member.split(separator: "/").map(String.init)
        func after(_ word: String) -> String? { parts.firstIndex(of: word).flatMap { parts.indices.contains($0 + 1) ? parts[$0 + 1] : nil } }
        var differences: [String] = []
        if let number = after("projects"), let wanted = f.projectNumber, number != wanted {
            differences.append("the project number is \(number), not \(wanted)" + (number == a.project ? " (it must be the number, not the ID)" : ""))
        }
        if let pool = after("workloadIdentityPools"), pool != a.workloadPool { differences.append("the pool is \(pool), not \(a.workloadPool)") }
        if let ns = after("ns") ?? after("namespace"), ns != a.identity.namespace { differences.append("the namespace is \(ns), not \(a.identity.namespace)") }
        if let ksa = after("sa"), ksa != a.identity.kubernetesServiceAccount {
            differences.append("the KSA is \(ksa), not \(a.identity.kubernetesServiceAccount)")
        }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }
}
