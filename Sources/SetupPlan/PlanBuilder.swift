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

    static func preflight(_ a: Answers, _ c: Commands) -> [Step] {
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

    static func enableAPIs(_ a: Answers, _ c: Commands) -> Step {
        let apis = ["container.googleapis.com", "storage.googleapis.com", "iamcredentials.googleapis.com"]
        return Step(id: .enableAPIs, title: "Enable the GKE, Cloud Storage and IAM Credentials APIs",
                    why: "A new project has them off; Workload Identity tokens come from IAM Credentials.",
                    argv: c.gcloud(["services", "enable"] + apis + ["--project", a.project]),
                    probe: Probe(argv: c.gcloud(["services", "list", "--enabled", "--project", a.project], format: "value(config.name)"),
                                 expect: .containsAll(apis)),
                    kind: .update, timeoutSeconds: 600)
    }

    static func getCredentials(_ a: Answers, _ c: Commands) -> Step {
        Step(id: .getCredentials, title: "Get cluster credentials for kubectl",
             why: "Writes the kubeconfig entry that points kubectl at the cluster.",
             argv: c.cluster("get-credentials"),
             kind: .configure, timeoutSeconds: 120)
    }

    static func operatorSteps(_ a: Answers, _ c: Commands) -> [Step] {
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

    /// Whether `member` is an identity of the project's Workload Identity pool (`PROJECT.svc.id.goog`).
    static func namesWorkloadPool(_ member: String, _ a: Answers) -> Bool {
        member.contains(a.workloadPool)
    }
}
