/// The cluster's steps: the create (and its wait until RUNNING), or an existing cluster's checks and updates.
extension PlanBuilder {
    /// The cluster created (Standard or Autopilot) and waited for, or an existing one checked and updated.
    static func cluster(_ a: Answers, _ c: Commands) -> [Step] {
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
                         argv: argv, probe: clusterCreated(a, c),
                         kind: .create, timeoutSeconds: 1800, teardown: c.clusterTeardown),
                    waitForCluster(a, c)]
        case .createAutopilot:
            // An Autopilot cluster's location is its region.
            var argv = c.cluster("create-auto")
            if a.operator == .gkeAddon { argv += ["--enable-ray-operator"] + RayAddonOption.createFlags(a) }
            return [Step(id: .createCluster, title: "Create the GKE Autopilot cluster",
                         why: "Autopilot clusters are regional and always have Workload Identity"
                            + (a.operator == .gkeAddon ? "; --enable-ray-operator adds GKE's managed Ray operator." : "."),
                         argv: argv, probe: clusterCreated(a, c),
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
    /// Whether the cluster is there. GKE answers a create of a name that is taken with 409 "Already exists" at once (and
    /// preflight read the name just before), so a first create skips it.
    private static func clusterCreated(_ a: Answers, _ c: Commands) -> Probe {
        Probe(argv: c.clusterDescribe("value(name)"), expect: .equals(a.cluster.name), onlyAfterAnEarlierStart: true)
    }

    private static func waitForCluster(_ a: Answers, _ c: Commands) -> Step {
        Step(id: .waitCluster, title: "Wait for the cluster to be running",
             why: "A cluster whose creation was interrupted goes on provisioning; kubectl cannot reach it until it is RUNNING.",
             argv: c.clusterDescribe("value(status)"), success: .equals("RUNNING"), kind: .check, timeoutSeconds: 120,
             // GKE leaves a cluster whose creation failed (a stockout, a quota) in ERROR, which never becomes RUNNING.
             retry: .wait(for: "the cluster to be RUNNING", upTo: 1800, initial: 10, max: 30, givesUpOn: ["ERROR": clusterInError(c)]))
    }

    /// What to do about a cluster GKE left in ERROR: read why, delete it, run again (or elsewhere).
    private static func clusterInError(_ c: Commands) -> String {
        "GKE could not create the cluster; its status message says why: " + ShellQuote.join(c.clusterDescribe("value(statusMessage)"))
            + ". Delete it (" + ShellQuote.join(c.cluster("delete", ["--quiet"])) + "), then resume; or --set zone=... --replan to create it elsewhere."
    }
}
