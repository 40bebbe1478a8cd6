import Foundation
import RunModel
import SetupPlan

/// Recognises the failures people actually hit from a command's stderr and explains the fix.
///
/// Pure: the same text always gives the same hint. Order matters: specific causes come before the
/// generic ones they also match (a disabled API and a missing getAccessToken are also "403 PERMISSION_DENIED").
public enum FailureClassifier {
    /// A hint for a failed command, or nil when the text matches nothing known.
    public static func hint(stderr: [String], argv: [String] = []) -> Hint? {
        let text = stderr.joined(separator: "\n")
        let lower = text.lowercased()
        for rule in rules {
            if let hint = rule(text, lower, argv) { return hint }
        }
        return nil
    }

    /// The kind of transient failure the text shows, the first one a retry may outwait; nil when it is none of them.
    public static func transient(stderr: [String]) -> TransientFailure? {
        let text = stderr.joined(separator: "\n")
        let lower = text.lowercased()
        if lower.contains("incompatible operation") || firstMatch(#"Operation \S+ is currently"#, in: text) != nil
            || lower.contains("please wait and try again once it is done") {
            return .operationInProgress
        }
        if firstMatch(#"Service account \S+ does not exist"#, in: text) != nil { return .newServiceAccount }
        if lower.contains("metadata server did not answer") { return .metadataWarmup }
        if lower.contains("no matching resources found") { return .noPodsYet }
        if lower.contains("error: closed all streams") { return .execStream }
        if lower.contains("iam.serviceaccounts.getaccesstoken")
            || (lower.contains("http 403") && lower.contains("does not have storage.objects.")) {
            // The bucket probe's lines: when the head passed, the bindings are in effect, and workers refused are
            // set up otherwise (their template), which no wait mends.
            let failed = text.split(separator: "\n").compactMap { groups(#"^(\S+) \S+ failed: "#, in: String($0))?.first }
            return !failed.isEmpty && !failed.contains(KubeRay.headGroup) ? nil : .iamPropagation
        }
        return nil
    }

    /// Whether a failed create says its resource is already there (and owned by us), so the step counts as done.
    public static func isAlreadyExists(stderr: [String]) -> Bool {
        let text = stderr.joined(separator: "\n")
        let lower = text.lowercased()
        // A bucket name held by someone else also answers 409; that is a failure, not "already done".
        if bucketNameTaken(lower) { return false }
        return lower.contains("already exists") || text.contains("AlreadyExists") || text.contains("ALREADY_EXISTS")
            || lower.contains("you already own it") || firstMatch(#"\b409\b"#, in: text) != nil
    }

    /// Whether a failed command says its resource does not exist, so a delete of it counts as done. A missing kubeconfig
    /// context or tool also says "not found" and proves nothing, so only the APIs' own not-found answers count.
    public static func isNotFound(stderr: [String]) -> Bool {
        let text = stderr.joined(separator: "\n")
        if text.lowercased().contains("context") { return false }
        return text.contains("NOT_FOUND") || text.contains("(NotFound)") || text.contains("Not found: projects/")
            || text.contains("The specified bucket does not exist") || text.contains("not found: 404")
    }

    private typealias Rule = @Sendable (_ text: String, _ lower: String, _ argv: [String]) -> Hint?

    private static let rules: [Rule] = [
        { text, _, _ in
            // GKE names the first zone of the pool's location that lacks the GPU.
            guard let found = groups(#"Accelerator type "([^"]+)" does not exist in zone ([a-z0-9-]+)"#, in: text) else { return nil }
            let (type, zone) = (found[0], found[1])
            return Hint(
                summary: "GKE has no \(type) GPUs in \(zone): each GPU type is offered only in some zones.",
                fix: "List the zones that have it (gcloud compute accelerator-types list --filter=name:\(type)), then answer one of them "
                    + "as zone (a new cluster) or choose another ray.workers[N].gpu.type, and resume with --set ... --replan; a regional "
                    + "cluster needs the type in every zone of its region.")
        },
        { text, _, _ in
            // The bucket check's per-node lines ("GROUP POD failed: REASON"). When the head passed and only workers
            // failed, the cause is in their groups' templates, not in the shared identity chain the rules below explain.
            let failed = text.split(separator: "\n").compactMap { groups(#"^(\S+) (\S+) failed: (.*)$"#, in: String($0)) }
            guard let first = failed.first, !failed.contains(where: { $0[0] == KubeRay.headGroup }) else { return nil }
            let nodes = failed.map { "\($0[1]) (group \($0[0]))" }.joined(separator: ", ")
            return Hint(
                summary: "The bucket check failed on worker \(nodes): \(first[2])",
                fix: "The head passed, so the identity chain works: check that the pod template of worker group \(first[0]) in \(WorkspaceFiles.manifest) "
                    + "has the same serviceAccountName and (Standard clusters) nodeSelector iam.gke.io/gke-metadata-server-enabled: \"true\" "
                    + "as the head's, re-apply it (or resume --replan), then resume.")
        },
        { text, lower, _ in
            guard lower.contains("iam.serviceaccounts.getaccesstoken") else { return nil }
            return Hint(
                summary: "The pod's Kubernetes service account may not act as the Google service account (403 getAccessToken).",
                fix: "Grant roles/iam.workloadIdentityUser to serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA] on the "
                    + "Google service account and annotate the KSA with iam.gke.io/gcp-service-account=GSA_EMAIL; then resume.")
        },
        { text, lower, _ in
            guard lower.contains("identity pool does not exist") || lower.contains("identity namespace") else { return nil }
            return Hint(
                summary: "Workload Identity is not enabled for this project/cluster yet (no PROJECT.svc.id.goog pool).",
                fix: "Create the cluster with --workload-pool=PROJECT.svc.id.goog (or update it), then resume.")
        },
        { text, _, _ in
            // gcloud's own suggestion after a 404 on a cluster: the name exists in another zone or region.
            guard let found = groups(#"Could not find \[([^\]]+)\] in \[([^\]]+)\]\.\s*Did you mean \[[^\]]+\] in \[([^\]]+)\]\?"#, in: text)
            else { return nil }
            let (name, asked, actual) = (found[0], found[1], found[2])
            return Hint(
                summary: "The cluster \(name) is not in \(asked); gcloud found it in \(actual).",
                fix: "Answer its zone or region as cluster.location: resume with --set cluster.location=\(actual) --replan.")
        },
        { text, _, _ in
            // Every kubectl and helm step names the cluster's context (gke_PROJECT_LOCATION_NAME); the kubeconfig
            // lost it since the credentials step (another KUBECONFIG, a deleted file, `kubectl config delete-context`).
            guard let context = groups(#"context was not found for specified context: (gke_\S+)"#, in: text)?.first
                    ?? groups(#"context "(gke_[^"]+)" does not exist"#, in: text)?.first else { return nil }
            let parts = context.split(separator: "_", maxSplits: 3).map(String.init)
            let fetch = parts.count == 4
                ? "gcloud container clusters get-credentials \(parts[3]) --project \(parts[1]) --location \(parts[2])"
                : "the plan's get-credentials command"
            return Hint(
                summary: "kubectl has no context \(context) for the cluster: the kubeconfig changed after the credentials step.",
                fix: "Run \(fetch) (with the same KUBECONFIG), then resume.")
        },
        { text, lower, _ in
            guard lower.contains("gke-gcloud-auth-plugin") else { return nil }
            return Hint(
                summary: "kubectl cannot authenticate to GKE: gke-gcloud-auth-plugin is not installed.",
                fix: "Install it (`gcloud components install gke-gcloud-auth-plugin` or the google-cloud-cli-gke-gcloud-auth-plugin "
                    + "package), check `gke-gcloud-auth-plugin --version`, then resume.")
        },
        { _, lower, _ in
            guard (lower.contains("the connection to the server") && lower.contains("was refused"))
                || lower.contains("unable to connect to the server") else { return nil }
            return Hint(
                summary: "kubectl cannot reach the cluster's API server.",
                fix: "Check the cluster is RUNNING (`gcloud container clusters list`) and that kubectl's current context is it "
                    + "(the get-credentials step sets it; `kubectl config current-context`), then retry.")
        },
        { text, lower, _ in
            let notLoggedIn = [
                "you do not currently have an active account selected", "gcloud auth login",
                "reauthentication failed", "problem refreshing your current auth tokens",
                "request had invalid authentication credentials", "unauthenticated",
            ]
            guard notLoggedIn.contains(where: lower.contains) else { return nil }
            return Hint(
                summary: "gcloud is not logged in (or its credentials expired).",
                fix: "Run `gcloud auth login`, then resume.")
        },
        { text, lower, _ in
            guard text.contains("SERVICE_DISABLED") || lower.contains("has not been used in project")
                || (lower.contains("api") && lower.contains("is disabled")) else { return nil }
            let api = firstMatch(#"[a-z0-9-]+\.googleapis\.com"#, in: text) ?? "the API named above"
            return Hint(
                summary: "\(api) is not enabled in the project.",
                fix: "Run `gcloud services enable \(api)` (it can take a minute to take effect), then resume.")
        },
        { text, lower, _ in
            guard bucketNameTaken(lower) else { return nil }
            return Hint(
                summary: "The bucket name is taken by someone else: bucket names are global across all of Cloud Storage.",
                fix: "Pick another bucket name (e.g. add your project ID as a prefix), then run again with --replan.")
        },
        { _, lower, _ in
            guard lower.contains("deletion protection") || lower.contains("deletion_protection")
                || lower.contains("deletionprotection") else { return nil }
            return Hint(
                summary: "Deletion protection is on for it, so it cannot be deleted.",
                fix: "Turn deletion protection off (in the console, or the resource's update command), then resume.")
        },
        { _, lower, _ in
            guard lower.contains("retention policy") || lower.contains("object hold") || lower.contains("event-based hold")
                || lower.contains("temporary hold") else { return nil }
            return Hint(
                summary: "Objects in the bucket are held or under a retention policy: they cannot be deleted yet.",
                fix: "Release the holds, or wait for the retention period to end (a locked policy cannot be shortened); "
                    + "or run destroy without --delete-bucket to keep the bucket.")
        },
        { _, lower, _ in
            guard lower.contains("bucket you tried to delete is not empty") else { return nil }
            return Hint(
                summary: "The bucket still holds objects (some were written while it was being emptied).",
                fix: "Resume: destroy empties it again (gcloud storage rm --recursive) before deleting it.")
        },
        { text, lower, _ in
            guard text.contains("QUOTA_EXCEEDED") || text.contains("RESOURCE_EXHAUSTED")
                || lower.contains("quota exceeded") || lower.contains("insufficient regional quota")
                || (lower.contains("quota") && lower.contains("exceed")) else { return nil }
            let metric = firstMatch(#"'[A-Z_]+'"#, in: text).map { " (\($0))" } ?? ""
            return Hint(
                summary: "Not enough quota in the project or region\(metric).",
                fix: "Use a smaller machine type or fewer nodes, another region, or request more quota "
                    + "(console: IAM & Admin > Quotas), then resume.")
        },
        { text, lower, _ in
            guard lower.contains("no matches for kind \"raycluster\"") || lower.contains("no matches for kind raycluster")
                || (lower.contains("resource mapping not found") && lower.contains("raycluster"))
                || lower.contains("doesn't have a resource type \"rayclusters\"")
                || (lower.contains("customresourcedefinition") && lower.contains("rayclusters.ray.io") && lower.contains("not found"))
            else { return nil }
            return Hint(
                summary: "Kubernetes does not know the RayCluster kind: the KubeRay operator (and its CRDs) is not installed.",
                fix: "Install the operator (the Ray Operator add-on: `gcloud container clusters update CLUSTER "
                    + "--update-addons RayOperator=ENABLED`, or `helm install kuberay-operator kuberay/kuberay-operator "
                    + "--version \(KubeRay.operatorVersion)`), wait for it to be ready, then resume; or choose operator gke-addon or helm.")
        },
        { text, lower, _ in
            guard text.contains("DefaultCredentialsError") || lower.contains("metadata server")
                || lower.contains("metadata.google.internal") else { return nil }
            return Hint(
                summary: "The pod could not get credentials from the GKE metadata server yet.",
                fix: "This is usually transient right after the pod starts (retried with backoff). If it persists, check that "
                    + "Workload Identity is enabled on the cluster and node pool (GKE_METADATA).")
        },
        { text, lower, argv in
            guard lower.contains("timed out waiting for the condition") || lower.contains("imagepullbackoff")
                || lower.contains("errimagepull") || lower.contains("insufficient cpu")
                || lower.contains("insufficient memory") else { return nil }
            // The wait's label selector says which pods: the head's, or some worker groups'.
            let selector = argv.firstIndex(of: "-l").flatMap { argv.indices.contains($0 + 1) ? argv[$0 + 1] : nil } ?? "ray.io/node-type=head"
            let workers = selector.contains("ray.io/node-type=worker")
            let groups = groups(#"ray\.io/group in \(([^)]*)\)"#, in: selector)?.first?.split(separator: ",").map(String.init) ?? []
            return Hint(
                summary: "\(PodDiagnosis.subject(workers ? .workers : .head, groups: groups)) did not become ready in time.",
                fix: "Look at `kubectl describe pod -l \(selector) -n NAMESPACE`: Insufficient cpu/memory means the "
                    + "nodes are too small for the requests; ImagePullBackOff means the image name or tag is wrong.")
        },
        { _, lower, _ in
            guard lower.contains("current-context is not set") else { return nil }
            return Hint(
                summary: "kubectl has no credentials for the cluster.",
                fix: "Run `gcloud container clusters get-credentials CLUSTER --zone ZONE`, then resume.")
        },
        { text, lower, _ in
            guard text.contains("PERMISSION_DENIED") || lower.contains("permission denied")
                || lower.contains("does not have permission") || lower.contains("forbidden")
                || lower.contains("does not have") && lower.contains("access") else { return nil }
            let permission = firstMatch(#"\b[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+\b"#, in: text, where: isPermission)
            let who = firstMatch(#"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}"#, in: text)
            var summary = "Permission denied"
            if let permission { summary += ": missing \(permission)" }
            if let who { summary += " for \(who)" }
            let role = permission.flatMap(role(for:))
            let fix = role.map { "Ask a project owner to grant \($0)\(who.map { " to \($0)" } ?? ""), then resume." }
                ?? "Ask a project owner for a role that includes it (roles/owner or roles/editor cover most steps), then resume."
            return Hint(summary: summary + ".", fix: fix)
        },
    ]

    private static func bucketNameTaken(_ lower: String) -> Bool {
        lower.contains("bucket name is not available") || lower.contains("bucket namespace is shared")
    }

    private static func isPermission(_ candidate: String) -> Bool {
        let services = ["container", "iam", "storage", "resourcemanager", "serviceusage", "compute"]
        return services.contains { candidate.hasPrefix($0 + ".") } && !candidate.hasSuffix(".com")
    }

    /// The predefined role that grants `permission`, for the usual permissions of this setup.
    static func role(for permission: String) -> String? {
        let table: [(String, String)] = [
            ("container.", "roles/container.admin"),
            ("iam.serviceAccounts.setIamPolicy", "roles/iam.serviceAccountAdmin"),
            ("iam.serviceAccounts.", "roles/iam.serviceAccountAdmin"),
            ("storage.", "roles/storage.admin"),
            ("resourcemanager.projects.setIamPolicy", "roles/resourcemanager.projectIamAdmin"),
            ("serviceusage.", "roles/serviceusage.serviceUsageAdmin"),
            ("compute.", "roles/compute.viewer"),
        ]
        return table.first { permission.hasPrefix($0.0) }?.1
    }

    /// The capture groups of the first match of `pattern`, when every group matched.
    private static func groups(_ pattern: String, in text: String) -> [String]? {
        guard let regex = try? Regex(pattern), let match = try? regex.firstMatch(in: text) else { return nil }
        let values = match.output.dropFirst().compactMap { $0.substring.map(String.init) }
        return values.count == match.output.count - 1 ? values : nil
    }

    /// The first match of `pattern` that `accept` takes.
    private static func firstMatch(_ pattern: String, in text: String, where accept: (String) -> Bool = { _ in true }) -> String? {
        guard let regex = try? Regex(pattern) else { return nil }
        return text.matches(of: regex).lazy.map { String(text[$0.range]) }.first(where: accept)
    }
}
