import SetupPlan

extension Doctor {
    /// What a Ray pod needs on the bucket's objects to write and read them back.
    static let objectPermissions = ["storage.objects.create", "storage.objects.get"]

    static let bucketLink: Link = { f, decided in
        let a = f.answers, url = "gs://\(a.bucket.name)"
        let title = "Bucket \(url) exists"
        if let skip = blocked(.bucket, title, needs: [.gcloud], decided) { return skip }
        guard let result = f.result(ReadID.bucket) else { return nil }
        guard let bucket = f.json(ReadID.bucket) else {
            if result.notFound {
                return Check(id: .bucket, title: title, status: .broken, evidence: ["no bucket \(url)"],
                             fix: f.doctor.fixes.planned(.createBucket),
                             advice: a.bucket.create ? nil : "bucket.create is false: check bucket.name, or answer bucket.create: true.")
            }
            return unreadable(.bucket, title, result,
                              advice: result.stderr.contains("403") ? "The bucket may belong to someone else: bucket names are global." : nil)
        }
        var evidence = ["location \(bucket["location"].string ?? "?")"]
        let owner = bucket["projectNumber"].string
        let uniform = bucket.path("iamConfiguration.uniformBucketLevelAccess.enabled").bool ?? false
        evidence.append("uniform bucket-level access \(uniform ? "on" : "off")")
        if let owner, let number = f.projectNumber, owner != number {
            evidence.append("it belongs to project number \(owner), not \(a.project) (\(number))")
            // Across projects it still works when its owner granted the role; without the grant it is the wrong bucket.
            if f.result(ReadID.bucketPolicy) == nil { return nil }
            if f.memberRoles.isEmpty {
                return Check(id: .bucket, title: title, status: .broken, evidence: evidence + ["and grants the pods nothing"],
                             advice: "Use a bucket of \(a.project) (bucket.name), or ask the owner of project \(owner) to run the role grant below.",
                             cause: nil)
            }
        }
        if a.identity.mode == .direct && !uniform {
            return Check(id: .bucket, title: title, status: .broken, evidence: evidence + ["the KSA's principal is refused on buckets without uniform access"],
                         fix: [["gcloud", "storage", "buckets", "update", url, "--uniform-bucket-level-access"]])
        }
        return Check(id: .bucket, title: title, status: .ok, evidence: evidence)
    }

    static let bucketRoleLink: Link = { f, decided in
        let a = f.answers
        let title = "The bucket grants the pods' identity object read and write"
        if let skip = blocked(.bucketRole, title, needs: [.bucket, a.identity.mode == .direct ? .principal : .iamServiceAccount], decided) { return skip }
        guard let result = f.result(ReadID.bucketPolicy), let member = f.bucketMember else { return nil }
        guard f.json(ReadID.bucketPolicy) != nil else { return unreadable(.bucketRole, title, result) }
        let fix = f.doctor.fixes.step(.grantBucketRole, projectNumber: f.projectNumber)
        let roles = f.memberRoles
        if roles.isEmpty {
            return Check(id: .bucketRole, title: title, status: .broken, evidence: ["no role on the bucket for \(member)"], fix: fix)
        }
        var permissions = Set<String>(), evidence: [String] = []
        for role in roles {
            guard let read = f.result(ReadID.role(role)) else { return nil }
            guard let described = f.json(ReadID.role(role)) else {
                evidence.append("\(role): its permissions cannot be read (\(read.errorLine))")
                continue
            }
            let included = described["includedPermissions"].array.compactMap(\.string)
            permissions.formUnion(included)
            evidence.append("\(role) for \(member)")
        }
        let missing = objectPermissions.filter { !permissions.contains($0) }
        if !missing.isEmpty {
            evidence.append("missing " + missing.joined(separator: ", ") + " (\(roles.joined(separator: ", ")) is too narrow)")
            return Check(id: .bucketRole, title: title, status: .broken, evidence: evidence, fix: fix)
        }
        if !permissions.contains("storage.buckets.get") {
            evidence.append("no storage.buckets.get: code calling get_bucket() gets 403; client.bucket(NAME) needs none")
        }
        return Check(id: .bucketRole, title: title, status: .ok, evidence: evidence)
    }
}
