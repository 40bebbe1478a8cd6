import Diagnosis
import Foundation
import SetupPlan
import Synchronization
import WizardApp
import XCTest

/// What gcloud and kubectl print for a healthy setup of `answers`, as JSON objects a test can break one at a time.
///
/// Unchecked: its JSON objects are dictionaries of strings, numbers and arrays, copied with the fixture and only
/// read by the session's read tasks.
struct SetupFixture: @unchecked Sendable {
    var answers: Answers
    let number = "123456789012"
    var account = "tester@example.com"
    var services = ["container.googleapis.com", "storage.googleapis.com", "iamcredentials.googleapis.com"]
    var cluster: [String: Any]
    var crdServed = ["v1"]
    /// The served CRD's v1 schema has `spec.authOptions` (KubeRay 1.5.1 and later).
    var crdAuthOptions = true
    /// What `kubectl get secret NAME -o go-template=...` prints: its name and keys; nil when there is no such Secret.
    var authSecretKeys: [String]? = ["auth_token"]
    /// No `rayclusters.ray.io` CRD at all (no KubeRay operator).
    var crdExists = true
    var namespaceExists = true
    var ksa: [String: Any]?
    var rayCluster: [String: Any]?
    var pods: [[String: Any]]
    var serviceAccountPolicy: [String: Any]
    var serviceAccountExists = true
    var bucket: [String: Any]?
    var bucketPolicy: [String: Any]
    var rolePermissions: [String: [String]] = [
        "roles/storage.objectUser": ["storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list"],
        "roles/storage.objectViewer": ["storage.objects.get", "storage.objects.list"],
        "roles/storage.admin": ["storage.buckets.get", "storage.objects.create", "storage.objects.get", "storage.objects.delete"],
    ]
    /// `kubectl get networkpolicy NAME -o json` (with `ray.networkPolicy`); nil when there is none.
    var networkPolicy: [String: Any]?
    /// `kubectl get pods --all-namespaces -l app.kubernetes.io/name=kuberay-operator -o json`: the operator's pods.
    var operatorPods: [[String: Any]] = []
    /// The in-pod probe's report per pod name.
    var probes: [String: [String: Any]]

    static let ksaCreated = "2026-01-01T10:00:00Z"
    static let podCreated = "2026-01-01T10:05:00Z"

    init(_ configure: (inout Answers) -> Void = { _ in }) {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        configure(&a)
        answers = a
        let ns = a.identity.namespace, ksaName = a.identity.kubernetesServiceAccount
        cluster = ["name": a.cluster.name, "status": "RUNNING",
                   "workloadIdentityConfig": ["workloadPool": a.workloadPool],
                   "nodePools": [["name": "default-pool", "config": ["workloadMetadataConfig": ["mode": "GKE_METADATA"]]]]]
        if a.isAutopilot { cluster["autopilot"] = ["enabled": true]; cluster["nodePools"] = [] }
        var annotations: [String: String] = [:]
        if a.identity.mode == .iamServiceAccount { annotations[PlanBuilder.serviceAccountAnnotation] = a.iamServiceAccountEmail }
        ksa = ["metadata": ["name": ksaName, "namespace": ns, "creationTimestamp": Self.ksaCreated, "annotations": annotations]]
        var spec: [String: Any] = ["serviceAccountName": ksaName, "containers": [["name": "ray-head"]]]
        if !a.isAutopilot { spec["nodeSelector"] = [RayClusterManifest.metadataServerLabel: "true"] }
        rayCluster = ["metadata": ["name": a.ray.clusterName], "spec": [
            "authOptions": ["mode": "token"],
            "headGroupSpec": ["template": ["spec": spec]],
            "workerGroupSpecs": [["groupName": "gpu", "template": ["spec": spec]]]]]
        pods = [Self.pod("\(a.ray.clusterName)-head-abcde", group: nil, ksa: ksaName),
                Self.pod("\(a.ray.clusterName)-gpu-worker-fghij", group: "gpu", ksa: ksaName)]
        serviceAccountPolicy = ["bindings": [["role": "roles/iam.workloadIdentityUser",
                                              "members": ["serviceAccount:\(a.workloadPool)[\(ns)/\(ksaName)]"]]]]
        bucket = ["name": a.bucket.name, "location": "US-WEST1", "projectNumber": number,
                  "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]]]
        let member = Commands(a).bucketMember.replacingOccurrences(of: "${PROJECT_NUMBER}", with: number)
        bucketPolicy = ["bindings": [["role": "roles/storage.legacyBucketOwner", "members": ["projectOwner:demo-project"]],
                                     ["role": a.bucket.role.rawValue, "members": [member]]]]
        let identity = a.identity.mode == .iamServiceAccount ? a.iamServiceAccountEmail : a.workloadPool
        let healthyProbe: [String: Any] = ["identity": identity, "write": ["status": 200], "read": ["status": 200, "matches": true],
                                           "delete": ["status": 204]]
        if a.ray.networkPolicy {
            cluster["networkConfig"] = ["datapathProvider": NetworkPolicyManifest.advancedDatapath]
            // The policy as the plan writes it, read back as kubectl prints it.
            let encoded = (try? JSONEncoder().encode(NetworkPolicyManifest(a))) ?? Data()
            networkPolicy = (try? JSONSerialization.jsonObject(with: encoded)) as? [String: Any]
            operatorPods = [["metadata": ["name": "kuberay-operator-7d9f-abcde", "namespace": NetworkPolicyManifest.operatorNamespace(a) ?? "ray-system",
                                          "labels": ["app.kubernetes.io/name": "kuberay-operator"]]]]
        }
        probes = Dictionary(uniqueKeysWithValues: pods.map { (($0["metadata"] as? [String: Any])?["name"] as? String ?? "", healthyProbe) })
    }

    static func pod(_ name: String, group: String?, ksa: String, created: String = podCreated, ready: Bool = true) -> [String: Any] {
        var labels = ["ray.io/cluster": "raycluster-mini", "ray.io/node-type": group == nil ? "head" : "worker"]
        if let group { labels["ray.io/group"] = group }
        return ["metadata": ["name": name, "labels": labels, "creationTimestamp": created],
                "spec": ["serviceAccountName": ksa, "containers": [["name": group == nil ? "ray-head" : "ray-worker", "env": tokenEnv]]],
                "status": ["phase": ready ? "Running" : "Pending",
                           "conditions": [["type": "Ready", "status": ready ? "True" : "False"]]]]
    }

    /// The variables the operator gives every Ray container under `authOptions: {mode: token}`.
    nonisolated(unsafe) static let tokenEnv: [[String: Any]] = [["name": "RAY_AUTH_MODE", "value": "token"],
                                            ["name": "RAY_AUTH_TOKEN", "valueFrom": ["secretKeyRef": ["name": "raycluster-mini", "key": "auth_token"]]]]

    static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
    }

    static func ok(_ object: Any) -> ReadResult { ReadResult(exitCode: 0, stdout: json(object)) }
    static let notFound = ReadResult(exitCode: 1, stdout: "", stderr: "Error from server (NotFound): not found")

    /// The answer to one read, by its id.
    func answer(_ id: String) -> ReadResult {
        let ns = answers.identity.namespace
        switch id {
        case "account": return ReadResult(exitCode: 0, stdout: account + "\n")
        case "project": return Self.ok(["projectId": answers.project, "projectNumber": number])
        case "services": return Self.ok(services.map { ["config": ["name": $0]] })
        case "cluster": return Self.ok(cluster)
        case "crd":
            let schema: [String: Any] = ["openAPIV3Schema": ["properties": ["spec": ["properties":
                crdAuthOptions ? ["authOptions": ["type": "object"], "rayVersion": ["type": "string"]] : ["rayVersion": ["type": "string"]]]]]]
            return crdExists ? Self.ok(["spec": ["versions": crdServed.map { ["name": $0, "served": true, "schema": schema] }]]) : Self.notFound
        case "auth-secret":
            return authSecretKeys.map { ReadResult(exitCode: 0, stdout: ([answers.ray.clusterName] + $0).joined(separator: " ")) }
                ?? ReadResult(exitCode: 1, stdout: "", stderr: "Error from server (NotFound): secrets \"\(answers.ray.clusterName)\" not found")
        case "namespace": return namespaceExists ? Self.ok(["metadata": ["name": ns]]) : Self.notFound
        case "ksa": return ksa.map(Self.ok) ?? Self.notFound
        case "raycluster": return rayCluster.map(Self.ok) ?? Self.notFound
        case "pods": return Self.ok(["items": pods])
        case "bucket": return bucket.map(Self.ok) ?? ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: gs://\(answers.bucket.name) not found: 404.")
        case "bucket-policy": return Self.ok(bucketPolicy)
        case "operator-pods": return Self.ok(["items": operatorPods])
        case "network-policy":
            return networkPolicy.map(Self.ok) ?? ReadResult(exitCode: 1, stdout: "", stderr:
                "Error from server (NotFound): networkpolicies.networking.k8s.io \"\(NetworkPolicyManifest.name(answers))\" not found")
        default: break
        }
        if id.hasPrefix("iam-sa-policy:") { return Self.ok(serviceAccountPolicy) }
        if id.hasPrefix("iam-sa:") {
            let email = String(id.dropFirst("iam-sa:".count))
            return serviceAccountExists && email == answers.iamServiceAccountEmail ? Self.ok(["email": email, "uniqueId": "1"])
                : ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: NOT_FOUND: Unknown service account")
        }
        if id.hasPrefix("role:") {
            let role = String(id.dropFirst("role:".count))
            return rolePermissions[role].map { Self.ok(["name": role, "includedPermissions": $0]) }
                ?? ReadResult(exitCode: 1, stdout: "", stderr: "ERROR: NOT_FOUND")
        }
        if id.hasPrefix("exec:") {
            let pod = String(id.dropFirst("exec:".count))
            return probes[pod].map { ReadResult(exitCode: 0, stdout: Self.json($0) + "\n") }
                ?? ReadResult(exitCode: 1, stdout: "", stderr: "error: pod not found")
        }
        return ReadResult(exitCode: 1, stdout: "", stderr: "unknown read \(id)")
    }

    /// Runs the diagnosis to its end through the session that runs it for the wizard and `doctor`, its reads
    /// answered by this fixture; every check it showed as decided is the one it ends with.
    func diagnose(exec: Bool = true) async -> [Check] {
        let doctor = Doctor(answers: answers, exec: exec, probeScript: "# kuberay-gcs-wizard doctor probe")
        let shown = Mutex<[Check]>([])
        let fixture = self
        let checks = await DoctorSession.run(doctor, read: { fixture.answer($0.id) }) { check in shown.withLock { $0.append(check) } }
        XCTAssertEqual(shown.withLock { $0 }.map(\.id), checks.map(\.id), "every check shown once, in chain order")
        return checks
    }
}
