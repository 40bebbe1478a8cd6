/// Turns validated answers into the ordered steps that do the whole job.
public enum PlanBuilder {
    /// Where the verify step's objects go (one per Ray node, `PREFIX/POD.txt`), and the text each writes.
    public static let checkPrefix = "kuberay-gcs-wizard-check"
    public static let checkText = "Hello, Ray on GKE!"
    /// The KSA annotation naming the IAM service account it stands for.
    public static let serviceAccountAnnotation = "iam.gke.io/gcp-service-account"

    /// A change to the cluster (an update, a node pool) waits while another operation runs on it: GKE runs one
    /// operation per cluster at a time and refuses a second ("Cluster is running incompatible operation").
    static let clusterOperationWait = RetryPolicy.wait(for: "the cluster's running operation to finish", upTo: 1800,
                                                       on: [.operationInProgress], initial: 15, max: 60)
    /// The checks from inside the pods wait for IAM: a new binding usually takes effect in about 2 minutes and can
    /// take 7 or more (IAM's access change propagation); a new pod's metadata server answers after a few seconds.
    static let iamWait = RetryPolicy.wait(for: "the IAM bindings to take effect", upTo: 600,
                                          on: [.iamPropagation, .metadataWarmup], initial: 5, max: 60)

    /// The plan for `answers` (assumed valid: see `Validator`). `checkScript` is the in-pod bucket probe
    /// (Resources/bucket_probe.py), run with `nodes` on every Ray node.
    public static func build(_ answers: Answers, checkScript: String) -> Plan {
        Plan(answers: answers, steps: steps(answers, checkScript: checkScript), manifest: RayClusterManifest(answers).yaml(),
             checkScript: checkScript,
             manualAuthManifest: answers.ray.auth == .token
                ? RayClusterManifest(answers, tokenForm: .secretEnvironment).yaml(file: WorkspaceFiles.manualAuthManifest) : nil,
             networkPolicy: answers.ray.networkPolicy ? NetworkPolicyManifest(answers).yaml() : nil)
    }

    /// The plan's steps alone (no manifest rendered), for what only needs the commands; each names the steps it needs.
    public static func steps(_ answers: Answers, checkScript: String) -> [Step] {
        let c = Commands(answers)
        var steps: [Step] = []
        steps += preflight(answers, c)
        steps.append(enableAPIs(answers, c))
        // The Google side first, so IAM propagates (a new service account, a new binding: minutes) while the cluster
        // provisions. A binding whose member is in the project's Workload Identity pool waits for the cluster: IAM
        // refuses it ("Identity Pool does not exist") until a cluster with Workload Identity has made the pool.
        let grant = grantBucketRole(answers, c)
        let grantNeedsPool = namesWorkloadPool(c.bucketMember, answers)
        // An existing cluster's checks still come first: a wrong answer about it stops the run before anything is made.
        let clusterSteps = cluster(answers, c)
        let clusterChecks = clusterSteps.filter { [.checkCluster, .checkClusterType, .checkPolicyEnforcement].contains($0.id) }
        steps += clusterChecks
        steps += googleServiceAccount(answers, c)
        steps.append(bucket(answers, c))
        if !grantNeedsPool { steps.append(grant) }
        steps += clusterSteps.filter { step in !clusterChecks.contains { $0.id == step.id } }
        // The add-on before the GPU pools: the Ray pods need it, and GKE takes one cluster operation at a time.
        steps += gcsFuseAddonSteps(answers, c)
        steps += gpuNodePools(answers, c)
        steps.append(getCredentials(answers, c))
        steps += operatorSteps(answers, c)
        steps += kubernetesIdentity(answers, c)
        steps += workloadIdentityBinding(answers, c)
        if grantNeedsPool { steps.append(grant) }
        steps += rayCluster(answers, c)
        steps += verify(answers, c, checkScript: checkScript)
        steps += verifyMountSteps(answers, c, checkScript: checkScript)
        steps += operatorCheckSteps(answers, c)
        return linkingNeeds(steps, answers)
    }

    private static func preflight(_ a: Answers, _ c: Commands) -> [Step] {
        var steps = [
            Step(id: .checkGcloud, title: "Check gcloud and the active account",
                 why: "Every Google Cloud step runs gcloud as the account that is logged in.",
                 argv: ToolCheck.gcloudConfig("account"), success: .nonEmpty, kind: .check, timeoutSeconds: 60),
            Step(id: .checkKubectl, title: "Check kubectl",
                 why: "The Kubernetes steps run kubectl.",
                 argv: ToolCheck.version("kubectl"), kind: .check, timeoutSeconds: 60),
            Step(id: .checkAuthPlugin, title: "Check gke-gcloud-auth-plugin",
                 why: "kubectl needs it to log in to GKE; without it every kubectl call fails after get-credentials.",
                 argv: ToolCheck.version("gke-gcloud-auth-plugin"), kind: .check, timeoutSeconds: 60),
        ]
        if a.operator == .helm {
            steps.append(Step(id: .checkHelm, title: "Check helm", why: "The KubeRay operator is installed with Helm.",
                              argv: ToolCheck.version("helm"), kind: .check, timeoutSeconds: 60))
        }
        steps.append(Step(id: .checkProject, title: "Check the project is reachable",
                          why: "Fails early on a mistyped project ID or missing access, before anything is created.",
                          argv: c.gcloud(["projects", "describe", a.project], format: "value(projectId)"),
                          success: .equals(a.project), kind: .check, timeoutSeconds: 120))
        return steps
    }

    private static func enableAPIs(_ a: Answers, _ c: Commands) -> Step {
        let apis = ["container.googleapis.com", "storage.googleapis.com", "iamcredentials.googleapis.com"]
        return Step(id: .enableAPIs, title: "Enable the GKE, Cloud Storage and IAM Credentials APIs",
                    why: "A new project has them off; Workload Identity tokens come from IAM Credentials.",
                    argv: c.gcloud(["services", "enable"] + apis + ["--project", a.project]),
                    probe: Probe(argv: c.gcloud(["services", "list", "--enabled", "--project", a.project], format: "value(config.name)"),
                                 expect: .containsAll(apis)),
                    kind: .update, timeoutSeconds: 600)
    }

    private static func cluster(_ a: Answers, _ c: Commands) -> [Step] {
        let describe = c.clusterDescribe
        switch a.cluster.mode {
        case .createStandard:
            var argv = ["gcloud", "container", "clusters", "create", a.cluster.name, "--project", a.project, "--zone", a.zone,
                        "--machine-type", a.cluster.machineType, "--num-nodes", String(a.cluster.numNodes),
                        "--enable-autoscaling", "--min-nodes", String(a.cluster.minNodes), "--max-nodes", String(a.cluster.maxNodes),
                        "--workload-pool", a.workloadPool]
            let addons = (a.operator == .gkeAddon ? ["RayOperator"] : []) + (a.bucket.mount ? [gcsFuseAddon] : [])
            if !addons.isEmpty { argv += ["--addons", addons.joined(separator: ",")] }
            if a.operator == .gkeAddon { argv += RayAddonOption.createFlags(a) }
            if a.ray.networkPolicy { argv.append(dataplaneV2Flag) }
            return [Step(id: .createCluster, title: "Create the GKE Standard cluster",
                         why: "A cluster with Workload Identity (--workload-pool) so pods can act as Google identities"
                            + (a.operator == .gkeAddon ? ", with GKE's managed Ray operator" : "")
                            + (a.ray.networkPolicy ? "; \(dataplaneV2Flag) so the head's NetworkPolicy is enforced." : "."),
                         argv: argv, probe: Probe(argv: describe("value(name)"), expect: .equals(a.cluster.name)),
                         kind: .create, timeoutSeconds: 1800, teardown: c.clusterTeardown),
                    waitForCluster(a, c)]
        case .createAutopilot:
            // An Autopilot cluster's location is its region.
            var argv = c.cluster("create-auto")
            if a.operator == .gkeAddon { argv += ["--enable-ray-operator"] + RayAddonOption.createFlags(a) }
            return [Step(id: .createCluster, title: "Create the GKE Autopilot cluster",
                         why: "Autopilot clusters are regional and always have Workload Identity"
                            + (a.operator == .gkeAddon ? "; --enable-ray-operator adds GKE's managed Ray operator." : "."),
                         argv: argv, probe: Probe(argv: describe("value(name)"), expect: .equals(a.cluster.name)),
                         kind: .create, timeoutSeconds: 1800, teardown: c.clusterTeardown),
                    waitForCluster(a, c)]
        case .existing:
            var steps = [
                Step(id: .checkCluster, title: "Check the existing cluster",
                     why: "The cluster must exist in this project and location before anything is changed on it.",
                     argv: describe("value(name)"), success: .equals(a.cluster.name), kind: .check, timeoutSeconds: 120),
                checkClusterType(a, c),
            ] + (a.ray.networkPolicy ? [checkPolicyEnforcement(a, c)] : []) + [
                // On Autopilot the pool is always set, so the probe finds this done.
                Step(id: .enableWorkloadIdentity, title: "Enable Workload Identity on the cluster",
                     why: "Without a workload pool no pod can act as a Google identity (a 403 later).",
                     argv: c.clusterUpdate(["--workload-pool", a.workloadPool]),
                     probe: Probe(argv: describe("value(workloadIdentityConfig.workloadPool)"), expect: .equals(a.workloadPool)),
                     kind: .update, timeoutSeconds: 1800, retry: clusterOperationWait),
            ]
            // Autopilot manages its node pools (it rejects this update) and always runs the GKE metadata server.
            if !a.cluster.autopilot {
                // Node pools made before Workload Identity keep the node's identity until their metadata mode changes.
                steps.append(Step(id: .enableGKEMetadata, title: "Switch the node pool \(a.resolvedNodePool) to the GKE metadata server",
                                  why: "Pods on a pool created before Workload Identity otherwise act as the node's service account; "
                                    + "the Ray pods' nodeSelector keeps them on pools that have it.",
                                  argv: c.nodePool("update", a.resolvedNodePool, ["--workload-metadata", "GKE_METADATA"]),
                                  probe: Probe(argv: c.nodePool("describe", a.resolvedNodePool, format: "value(config.workloadMetadataConfig.mode)"),
                                               expect: .equals("GKE_METADATA")),
                                  kind: .update, timeoutSeconds: 1800, retry: clusterOperationWait))
            }
            if a.operator == .gkeAddon {
                // gcloud puts --workload-pool and --update-addons in one mutually exclusive group: two updates.
                steps.append(Step(id: .enableRayAddon, title: "Enable the GKE Ray operator add-on",
                                  why: "GKE's managed KubeRay operator runs RayClusters; the cluster does not have it yet.",
                                  argv: c.clusterUpdate(["--update-addons", "RayOperator=ENABLED"]),
                                  probe: Probe(argv: describe("value(addonsConfig.rayOperatorConfig.enabled)"), expect: .equals("True")),
                                  kind: .update, timeoutSeconds: 1800, retry: clusterOperationWait))
                steps += rayAddonOptionUpdates(a, c)
            }
            return steps
        }
    }

    /// The add-on's options turned on in an existing cluster: one update each, as gcloud puts them in one
    /// mutually exclusive group with the other cluster updates.
    private static func rayAddonOptionUpdates(_ a: Answers, _ c: Commands) -> [Step] {
        RayAddonOption.all.filter { $0.isAsked(a) }.map { $0.update(c) }
    }

    /// The plan of an existing cluster depends on cluster.autopilot; a wrong answer fails here, before any change,
    /// rather than as a rejected node-pool update or RayCluster later. The why is the failure's hint: it says the fix.
    private static func checkClusterType(_ a: Answers, _ c: Commands) -> Step {
        // yesno(no=False): a Standard cluster has no autopilot.enabled, and empty output could not be checked for (setup.sh reads '' as anything).
        let argv = c.clusterDescribe("value(autopilot.enabled.yesno(no=False))")
        if a.cluster.autopilot {
            return Step(id: .checkClusterType, title: "Check the cluster is Autopilot",
                        why: "cluster.autopilot is true, so the node-pool update and the metadata nodeSelector are left out; "
                            + "for a Standard cluster answer false (the wizard's Cluster type, or resume --set cluster.autopilot=false --replan).",
                        argv: argv, success: .equals("True"), kind: .check, timeoutSeconds: 120)
        }
        return Step(id: .checkClusterType, title: "Check the cluster is Standard",
                    why: "cluster.autopilot is false, so the plan updates the node pool and sets the metadata nodeSelector, which Autopilot "
                        + "rejects; for an Autopilot cluster answer true (the wizard's Cluster type, or resume --set cluster.autopilot=true --replan).",
                    argv: argv, success: .equals("False"), kind: .check, timeoutSeconds: 120)
    }

    /// Dataplane V2 (GKE's eBPF dataplane), which enforces NetworkPolicies; only at cluster creation.
    static let dataplaneV2Flag = "--enable-dataplane-v2"

    /// With `ray.networkPolicy` on an existing cluster: a policy the cluster does not enforce would only look like
    /// protection, so the run stops before any change unless Dataplane V2 (`ADVANCED_DATAPATH`, always on Autopilot)
    /// or the older network policy enforcement (Calico, `networkPolicy.enabled`) is on.
    private static func checkPolicyEnforcement(_ a: Answers, _ c: Commands) -> Step {
        Step(id: .checkPolicyEnforcement, title: "Check the cluster enforces NetworkPolicies",
             why: "ray.networkPolicy is true, and a NetworkPolicy does nothing unless networkConfig.datapathProvider is "
                + "\(NetworkPolicyManifest.advancedDatapath) (Dataplane V2, chosen at creation with \(dataplaneV2Flag)) or "
                + "networkPolicy.enabled is true. " + NetworkPolicyManifest.enforcementAdvice(c),
             argv: c.clusterDescribe("value(networkConfig.datapathProvider,networkPolicy.enabled)"),
             success: .containsAny([NetworkPolicyManifest.advancedDatapath, "True"]), kind: .check, timeoutSeconds: 120)
    }

    /// After a create that was interrupted, the cluster exists (so the create counts as done on resume) but may still
    /// be PROVISIONING: credentials and kubectl must wait for RUNNING. After a create that finished, one describe.
    private static func waitForCluster(_ a: Answers, _ c: Commands) -> Step {
        Step(id: .waitCluster, title: "Wait for the cluster to be running",
             why: "A cluster whose creation was interrupted goes on provisioning; kubectl cannot reach it until it is RUNNING.",
             argv: c.clusterDescribe("value(status)"), success: .equals("RUNNING"), kind: .check, timeoutSeconds: 120,
             retry: .wait(for: "the cluster to be RUNNING", upTo: 1800, initial: 10, max: 30))
    }

    private static func getCredentials(_ a: Answers, _ c: Commands) -> Step {
        Step(id: .getCredentials, title: "Get cluster credentials for kubectl",
             why: "Writes the kubeconfig entry that points kubectl at the cluster.",
             argv: c.cluster("get-credentials"),
             kind: .configure, timeoutSeconds: 120)
    }

    private static func operatorSteps(_ a: Answers, _ c: Commands) -> [Step] {
        var steps: [Step] = []
        if a.operator == .helm {
            steps.append(Step(id: .helmRepo, title: "Add the KubeRay Helm repository",
                               why: "The kuberay-operator chart comes from it.",
                               argv: ["helm", "repo", "add", "kuberay", "https://ray-project.github.io/kuberay-helm/", "--force-update"],
                               kind: .configure, timeoutSeconds: 120))
            steps.append(Step(id: .installOperator, title: "Install the KubeRay operator \(KubeRay.operatorVersion) with Helm",
                               why: "The operator turns RayCluster objects into Ray pods; the source document never installs it.",
                               argv: c.helm(["install", "kuberay-operator", "kuberay/kuberay-operator", "--version", KubeRay.operatorVersion, "--wait"]),
                               probe: Probe(argv: c.helm(["status", "kuberay-operator"])),
                               kind: .create, timeoutSeconds: 600, teardown: c.operatorTeardown))
        }
        steps.append(Step(id: .checkCRD, title: "Check that the RayCluster kind is served as ray.io/v1",
                           why: "Fails here, not at apply, when the operator is missing or its CRD predates ray.io/v1.",
                           argv: c.kubectl(["get", "crd", "rayclusters.ray.io", "-o", "jsonpath={.spec.versions[?(@.served==true)].name}"]),
                           success: .containsAll(["v1"]), kind: .check, timeoutSeconds: 120,
                           // The add-on installs the CRD a little after the cluster is up: wait for it (about 2.5 min);
                           // Helm installed with --wait and "installed" need no long wait.
                           retry: a.operator == .gkeAddon
                               ? .wait(for: "GKE's Ray operator to serve the RayCluster kind", upTo: 300, initial: 5, max: 30)
                               : RetryPolicy(attempts: 3, initialDelaySeconds: 3, maxDelaySeconds: 10)))
        return steps
    }

    private static func kubernetesIdentity(_ a: Answers, _ c: Commands) -> [Step] {
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

    /// Whether `member` is an identity of the project's Workload Identity pool (`PROJECT.svc.id.goog`).
    static func namesWorkloadPool(_ member: String, _ a: Answers) -> Bool {
        member.contains(a.workloadPool)
    }

    /// The project number (direct mode) or the IAM service account: what the bucket's grant names.
    private static func googleServiceAccount(_ a: Answers, _ c: Commands) -> [Step] {
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
    private static func workloadIdentityBinding(_ a: Answers, _ c: Commands) -> [Step] {
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

    private static func bucket(_ a: Answers, _ c: Commands) -> Step {
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

    private static func grantBucketRole(_ a: Answers, _ c: Commands) -> Step {
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
                        + "KubeRay operator (\(from)) its dashboard port \(NetworkPolicyManifest.dashboardPort); nothing else does.",
                     argv: c.kubectl(["apply", "-f", WorkspaceFiles.networkPolicy]), files: [WorkspaceFiles.networkPolicy],
                     kind: .configure, timeoutSeconds: 120, teardown: c.networkPolicyTeardown)]
    }

    private static func rayCluster(_ a: Answers, _ c: Commands) -> [Step] {
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

    private static func verify(_ a: Answers, _ c: Commands, checkScript: String) -> [Step] {
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

    /// A pod wait right after an apply: kubectl finds no pods until the operator made them, and fails at once. Only that is
    /// tried again: a wait that ran out of time has the pod's reason to show (FailedScaleUp, an image pull), not a retry.
    static let podsYet = RetryPolicy(attempts: 4, initialDelaySeconds: 5, maxDelaySeconds: 60, on: [.noPodsYet])

    /// What a passed verify step proved, as the closing lines and the Done screen lead its per-node verdicts.
    public static let checkVerdictLead = "A test object written, read and deleted on every Ray node"

    /// The last line of the verify step's output: one `NODE ok` or `NODE failed` per Ray node, e.g. `head ok, workers-1a2b ok`.
    public static func checkSummary(_ output: String) -> String {
        output.split(whereSeparator: \.isNewline).last.map(String.init) ?? output
    }
}
