/// The bucket's steps: its create or check, and the role granted on it.
extension PlanBuilder {
    /// The bucket made (`bucket.create`) or checked to exist.
    static func bucket(_ a: Answers, _ c: Commands) -> Step {
        let url = "gs://\(a.bucket.name)"
        if a.bucket.create {
            return Step(id: .createBucket, title: "Create the bucket \(url)",
                        why: "Uniform bucket-level access: IAM alone decides access (the direct principal requires it).",
                        argv: ["gcloud", "storage", "buckets", "create", url, "--project", a.project,
                               "--location", a.resolvedBucketLocation, "--uniform-bucket-level-access"],
                        probe: Probe(argv: ["gcloud", "storage", "buckets", "describe", url, "--format", "value(name)"],
                                     expect: .equals(a.bucket.name)),
                        kind: .create, timeoutSeconds: 120, teardown: c.bucketTeardown)
        }
        return Step(id: .checkBucket, title: "Check the existing bucket \(url)",
                    why: "The bucket must exist and be visible to you before access is granted on it.",
                    argv: ["gcloud", "storage", "buckets", "describe", url, "--format", "value(name)"],
                    success: .equals(a.bucket.name), kind: .check, timeoutSeconds: 120)
    }

    /// The bucket's role granted to the Google identity the Ray pods act as.
    static func grantBucketRole(_ a: Answers, _ c: Commands) -> Step {
        let url = "gs://\(a.bucket.name)"
        let member = c.bucketMember
        return Step(id: .grantBucketRole, title: "Grant \(a.bucket.role.rawValue) on the bucket",
                    why: "Lets \(a.identity.mode == .direct ? "the KSA's principal" : "the IAM service account") read and write objects.",
                    argv: ["gcloud", "storage", "buckets", "add-iam-policy-binding", url, "--member", member, "--role", a.bucket.role.rawValue],
                    probe: Probe(argv: c.bucketPolicy, expect: .hasLine([a.bucket.role.rawValue, member])),
                    kind: .update, timeoutSeconds: 120,
                    // A service account made a minute ago may not be known to Cloud Storage yet.
                    retry: .wait(for: "Cloud Storage to know the new service account", upTo: 300, on: [.newServiceAccount], initial: 5, max: 30),
                    teardown: c.bucketBindingTeardown)
    }
}
