import RunModel
import SetupPlan
import XCTest
@testable import SetupRunner

/// One test per recognised failure, with stderr as the tools print it.
final class FailureClassifierTests: XCTestCase {
    private func hint(_ stderr: String) -> Hint? { FailureClassifier.hint(stderr: stderr.components(separatedBy: "\n")) }

    func testNotLoggedIn() {
        let h = hint("ERROR: (gcloud.container.clusters.create) You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login")
        XCTAssertEqual(h?.summary, "gcloud is not logged in (or its credentials expired).")
        XCTAssertTrue(h?.fix.contains("gcloud auth login") ?? false)
    }

    func testClusterInAnotherLocationNamesTheLocationToAnswer() {
        // As gcloud 528 prints it for an existing regional cluster asked for by its zone.
        let h = hint("""
            ERROR: (gcloud.container.clusters.describe) ResponseError: code=404, message=Not found: projects/demo-project/locations/us-west1-b/clusters/ray.
            Could not find [ray] in [us-west1-b].
            Did you mean [ray] in [us-west1]?
            """)
        XCTAssertEqual(h?.summary, "The cluster ray is not in us-west1-b; gcloud found it in us-west1.")
        XCTAssertEqual(h?.fix, "Answer its zone or region as cluster.location: resume with --set cluster.location=us-west1 --replan.")
        XCTAssertNil(hint("ERROR: (gcloud.container.clusters.describe) ResponseError: code=404, message=Not found.\nNo cluster named 'ray' in demo-project."))
    }

    func testAMissingKubeContextNamesTheCommandThatWritesIt() {
        // As kubectl 1.32 and helm 3 print it when the kubeconfig has no entry for the plan's --context.
        for stderr in ["Error in configuration: context was not found for specified context: gke_demo-project_us-west1-b_ray",
                       #"Error: Kubernetes cluster unreachable: context "gke_demo-project_us-west1-b_ray" does not exist"#] {
            let h = hint(stderr)
            XCTAssertEqual(h?.summary, "kubectl has no context gke_demo-project_us-west1-b_ray for the cluster: the kubeconfig changed after the credentials step.")
            XCTAssertEqual(h?.fix, "Run gcloud container clusters get-credentials ray --project demo-project --location us-west1-b (with the same KUBECONFIG), then resume.")
        }
    }

    func testAGPUTypeMissingInTheZoneSaysHowToFindOne() {
        // As GKE answers a node pool whose accelerator the zone does not have.
        let h = hint(#"ERROR: (gcloud.container.node-pools.create) ResponseError: code=400, message=Accelerator type "nvidia-l4" does not exist in zone us-west4-b."#)
        XCTAssertEqual(h?.summary, "GKE has no nvidia-l4 GPUs in us-west4-b: each GPU type is offered only in some zones.")
        XCTAssertTrue(h?.fix.contains("gcloud compute accelerator-types list --filter=name:nvidia-l4") ?? false, h?.fix ?? "")
    }

    func testABucketCheckFailingOnlyOnAWorkerNamesItsPodAndGroup() {
        // The bucket probe's per-node failure lines, as it prints them to stderr (the head passed).
        let worker = "workers raycluster-mini-workers-worker-x7k2p failed: write: HTTP 403: "
            + "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/default/sa/default "
            + "does not have storage.objects.create access to the Google Cloud Storage object."
        let h = hint(worker + "\ncommand terminated with exit code 1")
        XCTAssertEqual(h?.summary, "The bucket check failed on worker raycluster-mini-workers-worker-x7k2p (group workers): write: HTTP 403: "
            + "principal://iam.googleapis.com/projects/1/locations/global/"
            + "workloadIdentityPools/p.svc.id.goog/subject/ns/default/sa/default does not have storage.objects.create access to the Google Cloud Storage object.")
        XCTAssertTrue(h?.fix.contains("the pod template of worker group workers in raycluster.yaml") ?? false, h?.fix ?? "")
        // When the head fails too, the shared identity chain is the cause: the other rules explain it.
        let head = "headgroup raycluster-mini-head-abcde failed: no token for gsa@p.iam.gserviceaccount.com: HTTP 403: Unable to generate access "
            + "token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."
        XCTAssertEqual(hint(head + "\n" + worker)?.summary,
                       "The pod's Kubernetes service account may not act as the Google service account (403 getAccessToken).")
    }

    func testTransientFailuresAreToldApart() {
        func kind(_ text: String) -> TransientFailure? { FailureClassifier.transient(stderr: [text]) }
        XCTAssertEqual(kind("ERROR: (gcloud.container.node-pools.create) ResponseError: code=400, message=Cluster is running incompatible "
            + "operation operation-1712345678901-abc."), .operationInProgress)
        XCTAssertEqual(kind("HTTPError 400: Service account gsa@p.iam.gserviceaccount.com does not exist."), .newServiceAccount)
        XCTAssertEqual(kind("headgroup raycluster-mini-head-x7k2p failed: the metadata server did not answer: "
            + "<urlopen error [Errno 111] Connection refused>"), .metadataWarmup)
        XCTAssertEqual(kind("headgroup raycluster-mini-head-x7k2p failed: write: HTTP 403: gsa@p.iam.gserviceaccount.com does not "
            + "have storage.objects.create access to the Google Cloud Storage object."), .iamPropagation)
        XCTAssertEqual(kind("failed: no token for gsa: HTTP 403: Permission 'iam.serviceAccounts.getAccessToken' denied"), .iamPropagation)
        XCTAssertNil(kind("workers raycluster-mini-workers-worker-9qz4d failed: write: HTTP 403: principal://iam.googleapis.com/projects/1/"
            + "locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/default/sa/default does not have storage.objects.create access"),
            "the head passed: a worker refused alone is its template, not propagation")
        XCTAssertNil(kind("ERROR: (gcloud.storage.buckets.create) HTTPError 409: The requested bucket name is not available."))
        XCTAssertNil(kind("INVALID_ARGUMENT: Identity Pool does not exist (p.svc.id.goog)."), "an order mistake, not something to wait out")
        XCTAssertEqual(kind("ERROR: (gcloud.container.clusters.update) Operation operation-1712345678901-abc is currently upgrading "
            + "cluster demo. Please wait and try again once it is done."), .operationInProgress)
        XCTAssertNil(kind("error: the server doesn't have a resource type \"operation\"; it is currently unavailable"),
                     "the words alone are not GKE's one-operation-at-a-time answer")
        XCTAssertEqual(kind("error: no matching resources found"), .noPodsYet)
        XCTAssertEqual(FailureClassifier.transient(stderr: [#"Defaulted container "ray-head" out of: ray-head, autoscaler"#,
                                                            "E1207 19:26:13.389238   20361 websocket.go:296] Unknown stream id 1, discarding message",
                                                            "error: closed all streams"]), .execStream)
        XCTAssertNil(kind("error: timed out waiting for the condition on pods/raycluster-mini-workers-worker-9qz4d"),
                     "a wait that ran out of time shows the pod's reason rather than waiting again")
    }

    /// A node pool's stockout names the other zones of the region that offer the GPU, and the answer that moves there.
    func testAStockoutNamesTheOtherZonesAndTheSetThatMovesThere() throws {
        let text = "ERROR: (gcloud.container.node-pools.create) Operation [<Operation ...>] finished with error: Google Compute Engine: "
            + "Not all instances running in IGM after 35m0.000000000s. Expected 1, running 0, transitioning 1. Current errors: [GCE_STOCKOUT]: "
            + "Instance 'gke-cloud-bucket-cluster-ray-gpu-1a2b3c4d-x1y2' creation failed: The zone 'projects/demo-project/zones/us-west1-b' "
            + "does not have enough resources available to fulfill the request.  '(resource type:compute)'."
        let argv = ["gcloud", "container", "node-pools", "create", "ray-gpu", "--cluster", "c", "--project", "demo-project", "--location",
                    "us-west1-b", "--machine-type", "g2-standard-8", "--accelerator", "type=nvidia-l4,count=1,gpu-driver-version=latest"]
        let stockout = try XCTUnwrap(Stockout(stderr: [text], argv: argv))
        XCTAssertEqual(stockout, Stockout(code: "GCE_STOCKOUT", zone: "us-west1-b", resource: .accelerator("nvidia-l4"), project: "demo-project"))
        XCTAssertEqual(stockout.zonesRead, ["gcloud", "compute", "accelerator-types", "list", "--project", "demo-project",
                                            "--filter", "name=nvidia-l4 AND zone~us-west1-", "--format", "value(zone.basename())"])
        let hint = stockout.hint(others: ["us-west1-a", "us-west1-c"], answers: Answers())
        XCTAssertEqual(hint.summary, "No capacity for nvidia-l4 in us-west1-b (GCE_STOCKOUT): Compute Engine could not start the GPU nodes there.")
        XCTAssertTrue(hint.fix.hasPrefix("Other zones of us-west1 offer nvidia-l4: us-west1-a, us-west1-c. Move there: resume with "
            + "--set zone=us-west1-a --replan"), hint.fix)
        XCTAssertTrue(stockout.hint(others: nil, answers: Answers()).fix.contains("gcloud compute accelerator-types list"))
        XCTAssertNil(Stockout(stderr: [text], argv: ["gcloud", "container", "clusters", "create-auto", "c"]), "nothing to look for")
        // A cluster's default pool: its machine type.
        let cpu = try XCTUnwrap(Stockout(stderr: [text], argv: ["gcloud", "container", "clusters", "create", "c", "--machine-type", "e2-standard-8"]))
        XCTAssertEqual(cpu.zonesRead[2], "machine-types")
        XCTAssertTrue(cpu.hint(others: [], answers: Answers()).fix.contains("another cluster.machineType"))
        XCTAssertNil(Stockout(stderr: ["ERROR: quota exceeded"], argv: argv))
    }

    func testRayClusterCRDNotFound() {
        let h = hint(#"Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "rayclusters.ray.io" not found"#)
        XCTAssertEqual(h?.summary, "Kubernetes does not know the RayCluster kind: the KubeRay operator (and its CRDs) is not installed.")
    }

    func testAPIServerUnreachable() {
        let h = hint("The connection to the server 127.0.0.1:41007 was refused - did you specify the right host or port?")
        XCTAssertEqual(h?.summary, "kubectl cannot reach the cluster's API server.")
        XCTAssertTrue(h?.fix.contains("kubectl config current-context") ?? false)
    }

    func testPermissionDeniedNamesPermissionRoleAndPrincipal() {
        let h = hint("ERROR: (gcloud.iam.service-accounts.create) [alice@example.com] does not have permission to access "
            + "projects instance [p]: Permission 'iam.serviceAccounts.create' denied on resource (or it may not exist).")
        XCTAssertEqual(h?.summary, "Permission denied: missing iam.serviceAccounts.create for alice@example.com.")
        XCTAssertEqual(h?.fix, "Ask a project owner to grant roles/iam.serviceAccountAdmin to alice@example.com, then resume.")
    }

    func testPermissionDeniedWithoutDetails() {
        let h = hint("Error from server (Forbidden): pods is forbidden")
        XCTAssertEqual(h?.summary, "Permission denied.")
    }

    func testAPINotEnabled() {
        let h = hint("ERROR: (gcloud.container.clusters.create) ResponseError: code=403, message=Kubernetes Engine API has not "
            + "been used in project 123 before or it is disabled. Enable it by visiting "
            + "https://console.developers.google.com/apis/api/container.googleapis.com/overview?project=123\nreason: SERVICE_DISABLED")
        XCTAssertEqual(h?.summary, "container.googleapis.com is not enabled in the project.")
        XCTAssertTrue(h?.fix.contains("gcloud services enable container.googleapis.com") ?? false)
    }

    func testQuota() {
        let h = hint("ERROR: (gcloud.container.clusters.create) ResponseError: code=403, message=Insufficient regional quota "
            + "to satisfy request: resource \"CPUS\": request requires '8.0' and is short '4.0'. QUOTA_EXCEEDED 'CPUS'")
        XCTAssertTrue(h?.summary.hasPrefix("Not enough quota") ?? false, "\(String(describing: h))")
    }

    func testBucketNameTaken() {
        let text = "ERROR: (gcloud.storage.buckets.create) HTTPError 409: The requested bucket name is not available. "
            + "The bucket namespace is shared by all users of the system. Please select a different name and try again."
        XCTAssertTrue(hint(text)?.summary.contains("taken by someone else") ?? false)
        XCTAssertFalse(FailureClassifier.isAlreadyExists(stderr: [text]))
    }

    func testAlreadyExistsAnswers() {
        for text in [
            "ERROR: (gcloud.iam.service-accounts.create) Resource in projects [p] is the subject of a conflict: "
                + "Service account ray-sa already exists within project projects/p.",
            "Error from server (AlreadyExists): namespaces \"ray\" already exists",
            "ERROR: (gcloud.container.clusters.create) ResponseError: code=409, message=Already exists: projects/p/zones/z/clusters/c.",
            "status: ALREADY_EXISTS",
            "HTTPError 409: Your previous request to create the named bucket succeeded and you already own it.",
        ] {
            XCTAssertTrue(FailureClassifier.isAlreadyExists(stderr: [text]), text)
        }
        XCTAssertFalse(FailureClassifier.isAlreadyExists(stderr: ["error at line 4090"]))
    }

    func testAuthPluginMissing() {
        let h = hint("CRITICAL: ACTION REQUIRED: gke-gcloud-auth-plugin, which is needed for continued use of kubectl, was not found or is not executable.")
        XCTAssertTrue(h?.fix.contains("gcloud components install gke-gcloud-auth-plugin") ?? false)
    }

    func testRayClusterKindUnknown() {
        let h = hint("error: resource mapping not found for name: \"raycluster\" namespace: \"ray\" from \"raycluster.yaml\": "
            + "no matches for kind \"RayCluster\" in version \"ray.io/v1\"\nensure CRDs are installed first")
        XCTAssertTrue(h?.summary.contains("KubeRay operator") ?? false)
    }

    func testMetadataServerNotReady() {
        let h = hint("headgroup raycluster-mini-head-abcde failed: the metadata server did not answer: <urlopen error [Errno 111] Connection refused>")
        XCTAssertTrue(h?.summary.contains("metadata server") ?? false)
    }

    func testHeadPodNotReady() {
        let h = hint("error: timed out waiting for the condition on pods/raycluster-head-abcde")
        XCTAssertEqual(h?.summary, "The Ray head pod did not become ready in time.")
    }

    func testGetAccessTokenDenied() {
        let h = hint("google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/...: "
            + "Caller does not have permission 'iam.serviceAccounts.getAccessToken' on the service account PERMISSION_DENIED")
        XCTAssertTrue(h?.fix.contains("roles/iam.workloadIdentityUser") ?? false, "\(String(describing: h))")
    }

    func testKubectlWithoutCurrentContext() {
        let h = hint("error: current-context is not set")
        XCTAssertEqual(h?.summary, "kubectl has no credentials for the cluster.")
        XCTAssertTrue(h?.fix.contains("get-credentials") ?? false)
    }

    func testDestroyFailuresSayWhatStopsTheDeletion() {
        let held = hint("ERROR: (gcloud.storage.rm) HTTPError 403: Object 'my-bucket/data.txt' is subject to bucket's retention policy or object retention and cannot be deleted or overwritten until 2027-01-01")
        XCTAssertEqual(held?.summary, "Objects in the bucket are held or under a retention policy: they cannot be deleted yet.")
        XCTAssertTrue(held?.fix.contains("without --delete-bucket") ?? false)
        let notEmpty = hint("ERROR: (gcloud.storage.rm) HTTPError 409: The bucket you tried to delete is not empty.")
        XCTAssertEqual(notEmpty?.summary, "The bucket still holds objects (some were written while it was being emptied).")
        let protected = hint("ERROR: (gcloud.container.clusters.delete) ResponseError: code=400, message=Cannot delete the cluster: deletion protection is enabled.")
        XCTAssertEqual(protected?.summary, "Deletion protection is on for it, so it cannot be deleted.")
    }

    /// Only the APIs' own not-found answers make a delete count as done: a missing kube context or tool proves nothing.
    func testNotFoundIsTheAPIsAnswerOnly() {
        for gone in ["ERROR: (gcloud.iam.service-accounts.get-iam-policy) NOT_FOUND: Unknown service account",
                     "ERROR: (gcloud.storage.buckets.get-iam-policy) gs://my-bucket not found: 404.",
                     #"Error from server (NotFound): serviceaccounts "my-ksa" not found"#] {
            XCTAssertTrue(FailureClassifier.isNotFound(stderr: [gone]), gone)
        }
        for unknown in ["Error in configuration: context was not found for specified context: gke_p_z_c",
                        "ERROR: (gcloud.storage.rm) HTTPError 404: The emulator does not serve GET /storage/v1/b/b/storageLayout",
                        "bash: gcloud: command not found"] {
            XCTAssertFalse(FailureClassifier.isNotFound(stderr: [unknown]), unknown)
        }
    }

    func testUnknownFailureHasNoHint() {
        XCTAssertNil(hint("something unexpected happened"))
    }
}
