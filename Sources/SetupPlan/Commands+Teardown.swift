/// The teardown of each thing the plan creates, next to the commands that create it (see `PlanBuilder`).
extension Commands {
    private var a: Answers { answers }

    /// The cluster, deleted asynchronously and then waited for, so an interrupted destroy resumes at the wait
    /// instead of sending a second delete for a cluster that is already stopping.
    var clusterTeardown: Teardown {
        let name = a.cluster.name
        let listed = gcloud(["container", "clusters", "list"] + clusterScope + ["--filter", "name=\(name)"], format: "value(name)")
        return Teardown(
            id: .deleteCluster, subject: "the GKE cluster \(name)", phase: .cluster,
            why: "It was created by this workspace's run; its nodes cost money every hour. Everything in it goes with it.",
            argv: cluster("delete", ["--quiet", "--async"]),
            // A cluster that is already stopping counts as gone: its delete was sent.
            gone: Probe(argv: gcloud(["container", "clusters", "list"] + clusterScope + ["--filter", "name=\(name) AND status!=STOPPING"],
                                     format: "value(name)"),
                        expect: .not(.nonEmpty)),
            timeoutSeconds: 300,
            wait: Step(id: .waitClusterDeleted, title: "Wait until the cluster is deleted",
                       why: "Deleting a cluster takes several minutes; destroy is finished only when it is gone.",
                       argv: listed, success: .not(.nonEmpty), kind: .check, timeoutSeconds: 120,
                       retry: .wait(for: "GKE to finish deleting the cluster", upTo: 1800, initial: 5, max: 20)))
    }

    /// A node pool the run added to the cluster.
    func nodePoolTeardown(_ pool: String) -> Teardown {
        Teardown(
            id: .deleteNodePool(pool: pool), subject: "the node pool \(pool)", phase: .nodePool,
            why: "It was created by this workspace's run; its nodes cost money while they run.",
            argv: nodePool("delete", pool, ["--quiet"]),
            gone: Probe(argv: gcloud(["container", "node-pools", "list"] + nodePoolScope + ["--filter", "name=\(pool)"], format: "value(name)"),
                        expect: .not(.nonEmpty)),
            timeoutSeconds: 1800)
    }

    /// The Helm release of the KubeRay operator (Helm leaves the CRDs it installed).
    var operatorTeardown: Teardown {
        Teardown(
            id: .uninstallOperator, subject: "the Helm release kuberay-operator", phase: .operatorRelease,
            why: "It was installed by this workspace's run. Helm keeps the RayCluster CRDs it installed.",
            argv: helm(["uninstall", "kuberay-operator", "--wait"]),
            gone: Probe(argv: helm(["list", "--filter", "^kuberay-operator$", "--short"]), expect: .not(.nonEmpty)),
            timeoutSeconds: 600)
    }

    /// A namespaced Kubernetes object (or a namespace) the run created.
    func kubernetesTeardown(kind: StepID.KubernetesObject, name: String, namespace: String?, phase: TeardownPhase, subject: String,
                            why: String, wait: Step? = nil) -> Teardown {
        let scope = namespace.map { ["--namespace", $0] } ?? []
        return Teardown(
            id: .delete(kind), subject: subject, phase: phase, why: why,
            argv: kubectl(["delete", kind.rawValue, name] + scope + ["--ignore-not-found"]),
            gone: Probe(argv: kubectl(["get", kind.rawValue, name] + scope + ["--ignore-not-found", "-o", "name"]), expect: .not(.nonEmpty)),
            timeoutSeconds: 300, wait: wait)
    }

    /// The RayCluster, then a wait until every pod of it (head and workers) is gone, then with `ray.auth` token the
    /// token's Secret: made by the operator (which owns it, so it usually goes with the RayCluster) or by the plan.
    var rayClusterTeardown: Teardown {
        let name = a.ray.clusterName, ns = a.identity.namespace
        var teardown = kubernetesTeardown(
            kind: .raycluster, name: name, namespace: ns, phase: .rayCluster, subject: "the RayCluster \(name)",
            why: "Its pods are stopped first, so nothing uses the identity or the bucket while they are removed.",
            wait: Step(id: .waitRayPodsGone, title: "Wait until the Ray pods are gone",
                       why: "The operator deletes the head and worker pods after the RayCluster; they may still write to the bucket until then.",
                       // Listed rather than `kubectl wait --for=delete -l`, which fails with "no matching resources
                       // found" when the pods are gone before it starts.
                       argv: kubectl(["get", "pods", "-l", "ray.io/cluster=\(name)", "--namespace", ns, "-o", "name"]),
                       success: .not(.nonEmpty), kind: .check, timeoutSeconds: 60,
                       retry: .wait(for: "the operator to delete the Ray pods", upTo: 300, initial: 2, max: 10)))
        if a.ray.auth == .token {
            teardown.waits += tokenSecretTeardown.steps
        }
        return teardown
    }

    /// The Ray token's Secret, made by the plan for an operator without `spec.authOptions`; the RayCluster's teardown
    /// deletes it too (the operator's own goes with the RayCluster), after the Ray pods are gone.
    var tokenSecretTeardown: Teardown {
        let secret = RayClusterManifest.tokenSecretName(a)
        return kubernetesTeardown(
            kind: .secret, name: secret, namespace: a.identity.namespace, phase: .rayCluster, subject: "the Ray token Secret \(secret)",
            why: "It holds the RayCluster's token; once the pods are gone nothing reads it.")
    }

    /// The two updates that turn on network policy enforcement (Calico) on an existing cluster without Dataplane V2,
    /// which only a new cluster can have: the add-on on the control plane, then enforcement (GKE recreates the nodes).
    public var policyEnforcementUpdates: [[String]] {
        [clusterUpdate(["--update-addons", "NetworkPolicy=ENABLED"]), clusterUpdate(["--enable-network-policy"])]
    }

    /// The head's NetworkPolicy, once the Ray pods are gone (its own phase, after the RayCluster's).
    var networkPolicyTeardown: Teardown {
        let name = NetworkPolicyManifest.name(a)
        return kubernetesTeardown(kind: .networkpolicy, name: name, namespace: a.identity.namespace, phase: .networkPolicy,
                                  subject: "the NetworkPolicy \(name)",
                                  why: "It was applied by this workspace's run to guard the Ray head, which is gone by now.")
    }

    /// The IAM service account the run created.
    var iamServiceAccountTeardown: Teardown {
        let email = a.iamServiceAccountEmail
        return Teardown(
            id: .deleteIAMServiceAccount, subject: "the IAM service account \(email)", phase: .iamServiceAccount,
            why: "It was created by this workspace's run for the Ray pods.",
            argv: gcloud(["iam", "service-accounts", "delete", email, "--project", a.project, "--quiet"]),
            gone: Probe(argv: gcloud(["iam", "service-accounts", "list", "--project", a.project, "--filter", "email=\(email)"],
                                     format: "value(email)"),
                        expect: .not(.nonEmpty)),
            timeoutSeconds: 120)
    }

    /// The IAM service account's policy, one member of `roles/iam.workloadIdentityUser` per line.
    var workloadIdentityUsers: [String] {
        gcloud(["iam", "service-accounts", "get-iam-policy", a.iamServiceAccountEmail, "--project", a.project,
                "--flatten", "bindings[].members", "--filter", "bindings.role:roles/iam.workloadIdentityUser"],
               format: "value(bindings.members)")
    }

    /// The `roles/iam.workloadIdentityUser` binding the run added, removed even when the account stays.
    var workloadIdentityBindingTeardown: Teardown {
        let member = workloadIdentityUserMember
        return Teardown(
            id: .unbindWorkloadIdentity, subject: "the KSA's roles/iam.workloadIdentityUser binding", phase: .iamBinding,
            why: "This workspace's run let \(member) impersonate \(a.iamServiceAccountEmail).",
            argv: gcloud(["iam", "service-accounts", "remove-iam-policy-binding", a.iamServiceAccountEmail, "--project", a.project,
                          "--role", "roles/iam.workloadIdentityUser", "--member", member]),
            gone: Probe(argv: workloadIdentityUsers, expect: .not(.containsAll([member]))),
            timeoutSeconds: 120)
    }

    /// The bucket's policy, one `role member` pair per line (gcloud storage's get-iam-policy has no --filter).
    var bucketPolicy: [String] {
        gcloud(["storage", "buckets", "get-iam-policy", "gs://\(a.bucket.name)", "--flatten", "bindings[].members"],
               format: "value(bindings.role,bindings.members)")
    }

    /// The bucket role the run granted, removed even when the bucket stays.
    var bucketBindingTeardown: Teardown {
        let role = a.bucket.role.rawValue, member = bucketMember
        return Teardown(
            id: .unbindBucketRole, subject: "the \(role) binding on gs://\(a.bucket.name)", phase: .bucketBinding,
            why: "This workspace's run granted it to \(a.identity.mode == .direct ? "the KSA's principal" : "the IAM service account").",
            argv: gcloud(["storage", "buckets", "remove-iam-policy-binding", "gs://\(a.bucket.name)", "--member", member, "--role", role]),
            gone: Probe(argv: bucketPolicy, expect: .not(.hasLine([role, member]))),
            timeoutSeconds: 120)
    }

    /// Every object and then the bucket itself; only with `--delete-bucket`.
    var bucketTeardown: Teardown {
        let url = "gs://\(a.bucket.name)"
        return Teardown(
            id: .deleteBucket, subject: "the bucket \(url) and every object in it", phase: .bucket,
            why: "Asked for with --delete-bucket: the objects cannot be recovered.",
            argv: gcloud(["storage", "rm", "--recursive", url]),
            gone: Probe(argv: gcloud(["storage", "buckets", "list", "--project", a.project, "--filter", "name=\(a.bucket.name)"],
                                     format: "value(name)"),
                        expect: .not(.nonEmpty)),
            timeoutSeconds: 1800)
    }

    /// Lists every object with its size and a `TOTAL: N objects, S bytes` line, for the confirmation before deleting.
    var bucketContents: [String] {
        gcloud(["storage", "ls", "--long", "--recursive", "gs://\(a.bucket.name)/**"])
    }
}
