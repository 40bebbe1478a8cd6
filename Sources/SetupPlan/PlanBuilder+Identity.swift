/// The identities' steps: the Kubernetes service account, the Google identity the bucket's grant names, and the
/// Workload Identity binding between them.
extension PlanBuilder {
    /// The namespace (unless `default`) and the KSA the Ray pods run as.
    static func kubernetesIdentity(_ a: Answers, _ c: Commands) -> [Step] {
        let ns = a.identity.namespace, ksa = a.identity.kubernetesServiceAccount
        var steps: [Step] = []
        if ns != "default" {
            steps.append(Step(id: .createNamespace, title: "Create the namespace \(ns)",
                               why: "The Ray cluster and its service account live in it.",
                               argv: c.kubectl(["create", "namespace", ns]),
                               probe: Probe(argv: c.kubectl(["get", "namespace", ns, "-o", "name"])),
                               kind: .create, timeoutSeconds: 60,
                               teardown: c.kubernetesTeardown(kind: .namespace, name: ns, namespace: nil, phase: .namespace,
                                                              subject: "the namespace \(ns)",
                                                              why: "It was created by this workspace's run; whatever is left in it goes too.")))
        }
        steps.append(Step(id: .createKSA, title: "Create the Kubernetes service account \(ksa)",
                           why: "Every Ray pod runs as it; Workload Identity maps it to Google Cloud.",
                           argv: c.kubectl(["create", "serviceaccount", ksa, "--namespace", ns]),
                           probe: Probe(argv: c.kubectl(["get", "serviceaccount", ksa, "--namespace", ns, "-o", "name"])),
                           kind: .create, timeoutSeconds: 60,
                           teardown: c.kubernetesTeardown(kind: .serviceaccount, name: ksa, namespace: ns, phase: .kubernetesServiceAccount,
                                                          subject: "the Kubernetes service account \(ksa)",
                                                          why: "It was created by this workspace's run for the Ray pods.")))
        return steps
    }

    /// The project number (direct mode) or the IAM service account: what the bucket's grant names.
    static func googleServiceAccount(_ a: Answers, _ c: Commands) -> [Step] {
        switch a.identity.mode {
        case .direct:
            return [Step(id: .readProjectNumber, title: "Read the project number",
                         why: "The direct Workload Identity principal names the project by number, not ID.",
                         argv: c.gcloud(["projects", "describe", a.project], format: "value(projectNumber)"),
                         success: .nonEmpty, captures: [Placeholder.projectNumber], kind: .check, timeoutSeconds: 120)]
        case .iamServiceAccount:
            let email = a.iamServiceAccountEmail
            return [
                Step(id: .createIAMServiceAccount, title: "Create the IAM service account \(a.resolvedIAMServiceAccount)",
                     why: "The Google identity the Ray pods act as; the bucket role is granted to it.",
                     argv: ["gcloud", "iam", "service-accounts", "create", a.resolvedIAMServiceAccount, "--project", a.project,
                            "--display-name", "KubeRay GCS access"],
                     probe: Probe(argv: ["gcloud", "iam", "service-accounts", "describe", email, "--project", a.project, "--format", "value(email)"],
                                  expect: .equals(email)),
                     kind: .create, timeoutSeconds: 120, teardown: c.iamServiceAccountTeardown),
            ]
        }
    }

    /// IAM service account mode: the KSA may act as the IAM service account (a member of the workload pool, so after
    /// the cluster), and says which one it stands for.
    static func workloadIdentityBinding(_ a: Answers, _ c: Commands) -> [Step] {
        guard a.identity.mode == .iamServiceAccount else { return [] }
        let email = a.iamServiceAccountEmail
        let member = c.workloadIdentityUserMember
        let annotation = serviceAccountAnnotation
        return [
            Step(id: .bindWorkloadIdentity, title: "Let the KSA impersonate the IAM service account",
                 why: "Grants roles/iam.workloadIdentityUser to \(member); without it: 403 getAccessToken.",
                 argv: ["gcloud", "iam", "service-accounts", "add-iam-policy-binding", email, "--project", a.project,
                        "--role", "roles/iam.workloadIdentityUser", "--member", member],
                 probe: Probe(argv: c.workloadIdentityUsers, expect: .containsAll([member])),
                 kind: .update, timeoutSeconds: 120, teardown: c.workloadIdentityBindingTeardown),
            Step(id: .annotateKSA, title: "Annotate the KSA with the IAM service account",
                 why: "Tells GKE's metadata server which Google identity the KSA stands for.",
                 argv: c.kubectl(["annotate", "serviceaccount", a.identity.kubernetesServiceAccount, "--namespace", a.identity.namespace,
                                  "--overwrite", "\(annotation)=\(email)"]),
                 probe: Probe(argv: c.kubectl(["get", "serviceaccount", a.identity.kubernetesServiceAccount, "--namespace", a.identity.namespace,
                                               "-o", "jsonpath={.metadata.annotations.iam\\.gke\\.io/gcp-service-account}"]),
                              expect: .equals(email)),
                 kind: .update, timeoutSeconds: 60),
        ]
    }
}
