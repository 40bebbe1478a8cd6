/// The check from inside the Ray pods that the identity chain reaches the bucket, and how its output is read.
extension PlanBuilder {
    /// The checks from inside the pods wait for IAM: a new binding usually takes effect in about 2 minutes and can
    /// take 7 or more (IAM's access change propagation); a new pod's metadata server answers after a few seconds; an
    /// exec whose stream broke is sent again.
    static let iamWait = RetryPolicy.wait(for: "the IAM bindings to take effect", upTo: 600,
                                          on: [.iamPropagation, .metadataWarmup, .execStream], initial: 5, max: 60)

    /// The bucket check on every Ray node, run in the head pod once the Ray pods are up.
    static func verify(_ a: Answers, _ c: Commands, checkScript: String) -> [Step] {
        let exec = c.kubectl(["exec", "service/\(a.ray.clusterName)-head-svc", "--namespace", a.identity.namespace]) + ["--"]
        return [
            Step(id: .verifyBucket, title: "Write, read back and delete a test object from every Ray node",
                 why: "Proves the identity chain on every node: one Ray task per node takes the pod's token from the GKE metadata server "
                    + "and writes, reads back and deletes gs://\(a.bucket.name)/\(checkPrefix)/POD.txt (standard library only: nothing is "
                    + "installed, so nodes without internet access pass too); a node that fails is named with its pod and group.",
                 argv: exec + ["python", "-c", checkScript, "nodes", a.bucket.name, checkPrefix, checkText],
                 success: .containsAll(["head", "ok"]), kind: .verify, timeoutSeconds: 600, retry: iamWait),
        ]
    }

    /// What a passed verify step proved, as the closing lines and the Done screen lead its per-node verdicts.
    public static let checkVerdictLead = "A test object written, read and deleted on every Ray node"

    /// The last line of the verify step's output: one `NODE ok` or `NODE failed` per Ray node, e.g. `head ok, workers-1a2b ok`.
    public static func checkSummary(_ output: String) -> String {
        output.split(whereSeparator: \.isNewline).last.map(String.init) ?? output
    }
}
