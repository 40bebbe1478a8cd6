/// The RayCluster's steps: the network policy and token Secret before it, its apply and the wait for its head.
extension PlanBuilder {
    /// With `ray.auth` token: which of the two RayCluster files the operator can take, read from its CRD, and the
    /// Secret the manual form needs. The token is made at run time and goes to kubectl on standard input only.
    private static func tokenSteps(_ a: Answers, _ c: Commands) -> [Step] {
        guard a.ray.auth == .token else { return [] }
        let secret = RayClusterManifest.tokenSecretName(a), ns = a.identity.namespace
        let manual = WorkspaceFiles.manualAuthManifest
        // A missing map key is false in a Go template; spec.properties is in every RayCluster CRD schema.
        let template = "{{range .spec.versions}}{{if eq .name \"v1\"}}"
            + "{{if .schema.openAPIV3Schema.properties.spec.properties.authOptions}}\(WorkspaceFiles.manifest){{else}}\(manual){{end}}"
            + "{{end}}{{end}}"
        return [
            Step(id: .checkAuthOptions, title: "Read whether the operator sets up Ray's token itself",
                 why: "KubeRay 1.5.1 and later serve spec.authOptions: the operator then makes the token Secret and gives it to every "
                    + "Ray container (\(WorkspaceFiles.manifest)); an older operator gets \(manual), whose containers read it from a Secret made here.",
                 argv: c.kubectl(["get", "crd", "rayclusters.ray.io", "-o", "go-template=" + template]),
                 success: .nonEmpty, captures: [Placeholder.rayClusterManifest], kind: .check, timeoutSeconds: 60),
            Step(id: .createAuthSecret, title: "Create the Secret \(secret) holding a random Ray token",
                 why: "The containers of \(manual) read RAY_AUTH_TOKEN from it; the token is made now and goes to kubectl on its "
                    + "standard input, never into a command line, a log or the workspace.",
                 argv: c.kubectl(["create", "secret", "generic", secret, "--namespace", ns,
                                  "--from-file=\(RayClusterManifest.tokenSecretKey)=/dev/stdin"]),
                 probe: Probe(argv: c.kubectl(["get", "secret", secret, "--namespace", ns, "-o", "name"])),
                 kind: .create, timeoutSeconds: 60, teardown: c.tokenSecretTeardown,
                 runsWhen: StepCondition(placeholder: Placeholder.rayClusterManifest, equals: manual), input: .randomToken),
        ]
    }

    /// With `ray.networkPolicy`: the head's NetworkPolicy, applied before the RayCluster so the head pod is selected
    /// from its first moment (a policy selects pods by label, so it needs no pod to exist yet).
    private static func networkPolicySteps(_ a: Answers, _ c: Commands) -> [Step] {
        guard a.ray.networkPolicy else { return [] }
        let name = NetworkPolicyManifest.name(a)
        let from = NetworkPolicyManifest.operatorNamespace(a).map { "the namespace \($0)" } ?? "pods labelled app.kubernetes.io/name=kuberay-operator"
        return [Step(id: .applyNetworkPolicy, title: "Apply the NetworkPolicy \(name) on the Ray head",
                     why: "\(WorkspaceFiles.networkPolicy): only pods of \(a.identity.namespace) reach the head (any port), and the "
                        + "KubeRay operator (\(from)) its dashboard port \(RayClusterManifest.dashboardPort); nothing else does.",
                     argv: c.kubectl(["apply", "-f", WorkspaceFiles.networkPolicy]), files: [WorkspaceFiles.networkPolicy],
                     kind: .configure, timeoutSeconds: 120, teardown: c.networkPolicyTeardown)]
    }

    /// The RayCluster applied (after its network policy and token Secret) and its head and workers waited for.
    static func rayCluster(_ a: Answers, _ c: Commands) -> [Step] {
        let selector = "ray.io/cluster=\(a.ray.clusterName),ray.io/node-type=head"
        let later = a.ray.workers.filter { !a.alwaysRunningWorkerGroups.contains($0) }.map(\.name)
        let token = a.ray.auth == .token
        let file = token ? "${\(Placeholder.rayClusterManifest)}" : WorkspaceFiles.manifest
        return networkPolicySteps(a, c) + tokenSteps(a, c) + [
            Step(id: .applyRayCluster, title: "Apply the RayCluster \(a.ray.clusterName)",
                 why: "\(token ? "The file read above" : WorkspaceFiles.manifest): ray.io/v1, the KSA on every pod"
                    + (a.usesMetadataNodeSelector ? ", the metadata-server nodeSelector" : "")
                    + (token ? ", Ray token authentication on every Ray container." : "."),
                 argv: c.kubectl(["apply", "-f", file]),
                 files: token ? [WorkspaceFiles.manifest, WorkspaceFiles.manualAuthManifest] : [WorkspaceFiles.manifest],
                 kind: .configure, timeoutSeconds: 120, teardown: c.rayClusterTeardown),
            Step(id: .waitHead, title: "Wait for the Ray head pod to be Ready",
                 why: "Pulling the Ray image and starting Ray takes a few minutes on a new node"
                    + (later.isEmpty ? "." : "; the autoscaler starts the pods of worker group\(later.count == 1 ? "" : "s") "
                        + "\(later.joined(separator: ", ")) when Ray work needs them."),
                 argv: c.kubectl(["wait", "pod", "--for=condition=Ready", "-l", selector, "--namespace", a.identity.namespace, "--timeout=300s"]),
                 kind: .check, timeoutSeconds: 360,
                 retry: podsYet, pods: c.podWait(.head, selector: selector)),
        ] + waitForWorkers(a, c)
    }

    /// A pod wait right after an apply: kubectl finds no pods until the operator made them, and fails at once. Only that is
    /// tried again: a wait that ran out of time has the pod's reason to show (FailedScaleUp, an image pull), not a retry.
    static let podsYet = RetryPolicy(attempts: 4, initialDelaySeconds: 5, maxDelaySeconds: 60, on: [.noPodsYet])
}
