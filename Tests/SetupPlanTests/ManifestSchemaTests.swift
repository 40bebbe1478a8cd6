import Foundation
import SetupPlan
import XCTest
import Yams

final class ManifestSchemaTests: XCTestCase {
    /// The openAPIV3Schema of each CRD's v1 version, by fixture file, loaded once (the files are 0.9 and 1.4 MB).
    nonisolated(unsafe) static var v1Schemas: [String: [String: Any]] = [:]

    func schema() throws -> [String: Any] { try Self.schema() }

    /// The RayCluster CRD's v1 schema.
    static func schema() throws -> [String: Any] { try v1Schema(of: "ray.io_rayclusters.yaml") }

    /// The v1 schema of the CRD in `Fixtures/file`.
    static func v1Schema(of file: String) throws -> [String: Any] {
        if let cached = Self.v1Schemas[file] { return cached }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(file)")
        let crd = try XCTUnwrap(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
        let spec = try XCTUnwrap(crd["spec"] as? [String: Any])
        let versions = try XCTUnwrap(spec["versions"] as? [[String: Any]])
        let v1 = try XCTUnwrap(versions.first { $0["name"] as? String == "v1" })
        XCTAssertEqual(v1["served"] as? Bool, true)
        let schema = try XCTUnwrap((v1["schema"] as? [String: Any])?["openAPIV3Schema"] as? [String: Any])
        Self.v1Schemas[file] = schema
        return schema
    }

    func manifest(_ configure: (inout Answers) -> Void) throws -> [String: Any] {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        configure(&answers)
        return try XCTUnwrap(try Yams.load(yaml: RayClusterManifest(answers).yaml()) as? [String: Any])
    }

    func testManifestIsValidAgainstTheV1SchemaInEveryClusterMode() throws {
        let schema = try schema()
        for mode in ClusterMode.allCases {
            for mount in [false, true] {
                let doc = try manifest { $0.cluster.mode = mode; $0.bucket.mount = mount }
                XCTAssertEqual(SchemaValidator.violations(of: doc, against: schema), [], "cluster mode \(mode), mount \(mount)")
                let withGPU = try manifest { $0.cluster.mode = mode; $0.bucket.mount = mount; $0.ray.workers.append(Self.gpuGroup) }
                XCTAssertEqual(SchemaValidator.violations(of: withGPU, against: schema), [], "cluster mode \(mode) with a GPU group, mount \(mount)")
            }
            let fixed = try manifest { $0.cluster.mode = mode; $0.ray.autoscaling = false; $0.ray.workers = [] }
            XCTAssertEqual(SchemaValidator.violations(of: fixed, against: schema), [], "cluster mode \(mode), head only")
        }
    }

    /// Every Ray pod template of the manifest (head and worker groups).
    func podTemplates(_ doc: [String: Any]) throws -> [[String: Any]] { try Self.podTemplates(doc) }

    static func podTemplates(_ doc: [String: Any]) throws -> [[String: Any]] {
        let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        let head = try XCTUnwrap((spec["headGroupSpec"] as? [String: Any])?["template"] as? [String: Any])
        let workers = (spec["workerGroupSpecs"] as? [[String: Any]] ?? []).compactMap { $0["template"] as? [String: Any] }
        return [head] + workers
    }

    func testMountedBucketIsInEveryRayContainer() throws {
        let doc = try manifest {
            $0.bucket.mount = true
            $0.bucket.mountPath = "/mnt/checkpoints"
            $0.ray.workers.append(Self.gpuGroup)
        }
        XCTAssertEqual(try podTemplates(doc).count, 3, "the head, the default workers and a GPU group")
        for template in try podTemplates(doc) {
            let annotations = try XCTUnwrap((template["metadata"] as? [String: Any])?["annotations"] as? [String: String])
            XCTAssertEqual(annotations[RayClusterManifest.gcsFuseAnnotation], "true")
            for (key, value) in RayClusterManifest.gcsFuseSidecarLimits.pairs { XCTAssertEqual(annotations[key], value) }
            let pod = try XCTUnwrap(template["spec"] as? [String: Any])
            let volumes = try XCTUnwrap(pod["volumes"] as? [[String: Any]])
            let volume = try XCTUnwrap(volumes.first { ($0["csi"] as? [String: Any])?["driver"] as? String == RayClusterManifest.gcsFuseDriver })
            let attributes = try XCTUnwrap((volume["csi"] as? [String: Any])?["volumeAttributes"] as? [String: String])
            XCTAssertEqual(attributes["bucketName"], "my-bucket")
            XCTAssertTrue(attributes["mountOptions"]?.split(separator: ",").contains("implicit-dirs") == true)
            let containers = try XCTUnwrap(pod["containers"] as? [[String: Any]])
            XCTAssertFalse(containers.isEmpty)
            for container in containers {
                let mounts = try XCTUnwrap(container["volumeMounts"] as? [[String: Any]], "\(container["name"] ?? "")")
                XCTAssertTrue(mounts.contains { $0["name"] as? String == volume["name"] as? String && $0["mountPath"] as? String == "/mnt/checkpoints" })
            }
        }
        let unmounted = try manifest { _ in }
        for template in try podTemplates(unmounted) {
            XCTAssertNil(template["metadata"], "no annotations without the mount")
            XCTAssertNil((template["spec"] as? [String: Any])?["volumes"])
        }
    }

    func testValidatorIsStrict() throws {
        let schema = try schema()
        var doc = try manifest { _ in }
        var spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        spec["rayVersoin"] = "2.52.0"
        spec["headGroupSpec"] = ["template": ["spec": ["containers": "not-a-list"]]]
        doc["spec"] = spec
        let problems = SchemaValidator.violations(of: doc, against: schema)
        XCTAssertTrue(problems.contains(".spec.rayVersoin: unknown field"), "\(problems)")
        XCTAssertTrue(problems.contains(".spec.headGroupSpec.template.spec.containers: must be an array"), "\(problems)")
    }

    func testManifestCarriesIdentityAndCurrentVersions() throws {
        let standard = try manifest { _ in }
        XCTAssertEqual(standard["apiVersion"] as? String, "ray.io/v1")
        let spec = try XCTUnwrap(standard["spec"] as? [String: Any])
        XCTAssertEqual(spec["rayVersion"] as? String, RayVersions.default)
        let pod = try XCTUnwrap(((spec["headGroupSpec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        XCTAssertEqual(pod["serviceAccountName"] as? String, "my-ksa")
        XCTAssertEqual(pod["nodeSelector"] as? [String: String], ["iam.gke.io/gke-metadata-server-enabled": "true"])
        let container = try XCTUnwrap((pod["containers"] as? [[String: Any]])?.first)
        XCTAssertEqual(container["image"] as? String, "rayproject/ray:\(RayVersions.default)")
        let resources = try XCTUnwrap(container["resources"] as? [String: [String: String]])
        XCTAssertEqual(resources["requests"], ["cpu": "1", "memory": "2Gi"])
        XCTAssertEqual(resources["limits"], ["cpu": "1", "memory": "5Gi"])
        let ports = try XCTUnwrap(container["ports"] as? [[String: Any]]).compactMap { $0["containerPort"] as? Int }
        XCTAssertEqual(ports, [6379, 8265, 10001])

        let autopilot = try manifest { $0.cluster.mode = .createAutopilot }
        let autopilotPod = try XCTUnwrap((((autopilot["spec"] as? [String: Any])?["headGroupSpec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        XCTAssertNil(autopilotPod["nodeSelector"], "Autopilot rejects the metadata-server nodeSelector")
        XCTAssertEqual(autopilotPod["serviceAccountName"] as? String, "my-ksa")
    }

    func testCustomVersionImageAndLargeMemory() throws {
        let doc = try manifest { $0.ray.version = "2.49.1"; $0.ray.headMemory = "8Gi"; $0.ray.headCPU = "500m"; $0.identity.namespace = "ray" }
        let text = try XCTUnwrap(try Yams.serialize(node: try XCTUnwrap(Yams.compose(yaml: Yams.dump(object: doc)))))
        XCTAssertTrue(text.contains("rayproject/ray:2.49.1"))
        XCTAssertTrue(text.contains("memory: 8Gi"))
        XCTAssertEqual((doc["metadata"] as? [String: Any])?["namespace"] as? String, "ray")
    }

    static let gpuGroup: WorkerGroup = {
        var group = WorkerGroup(name: "gpu")
        group.gpu = WorkerGroup.GPU(type: "nvidia-l4", count: 2)
        return group
    }()

    /// The pod spec of every group: the head's first, then each worker group's by name.
    func podSpecs(_ doc: [String: Any]) throws -> [(group: String, spec: [String: Any])] {
        let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        let head = try XCTUnwrap(((spec["headGroupSpec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let workers = try (spec["workerGroupSpecs"] as? [[String: Any]] ?? []).map { group in
            (try XCTUnwrap(group["groupName"] as? String), try XCTUnwrap((group["template"] as? [String: Any])?["spec"] as? [String: Any]))
        }
        return [("headgroup", head)] + workers
    }

    func testEveryGroupRunsAsTheKSAWithItsGroupNamedAndGPUsOnTheirNodes() throws {
        let standard = try manifest { $0.ray.workers.append(Self.gpuGroup) }
        let spec = try XCTUnwrap(standard["spec"] as? [String: Any])
        XCTAssertEqual(spec["enableInTreeAutoscaling"] as? Bool, true)
        let groups = try XCTUnwrap(spec["workerGroupSpecs"] as? [[String: Any]])
        XCTAssertEqual(groups.map { $0["groupName"] as? String }, ["workers", "gpu"])
        XCTAssertEqual(groups[0]["replicas"] as? Int, 1)
        XCTAssertEqual(groups[0]["minReplicas"] as? Int, 0)
        XCTAssertEqual(groups[0]["maxReplicas"] as? Int, 3)
        let pods = try podSpecs(standard)
        XCTAssertEqual(pods.map(\.group), ["headgroup", "workers", "gpu"])
        for (group, pod) in pods {
            XCTAssertEqual(pod["serviceAccountName"] as? String, "my-ksa", group)
            XCTAssertEqual((pod["nodeSelector"] as? [String: String])?["iam.gke.io/gke-metadata-server-enabled"], "true", group)
            let container = try XCTUnwrap((pod["containers"] as? [[String: Any]])?.first)
            let env = try XCTUnwrap(container["env"] as? [[String: Any]])
            let fieldPaths = env.compactMap { (($0["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String }
            XCTAssertTrue(fieldPaths.contains("metadata.labels['ray.io/group']"), group)
        }
        let gpu = try XCTUnwrap(pods.last?.spec)
        XCTAssertEqual((gpu["nodeSelector"] as? [String: String])?["cloud.google.com/gke-accelerator"], "nvidia-l4")
        XCTAssertEqual((gpu["tolerations"] as? [[String: String]])?.first?["key"], "nvidia.com/gpu")
        let resources = try XCTUnwrap(((gpu["containers"] as? [[String: Any]])?.first)?["resources"] as? [String: [String: String]])
        XCTAssertEqual(resources["requests"]?["nvidia.com/gpu"], "2")
        XCTAssertEqual(resources["limits"]?["nvidia.com/gpu"], "2")
        XCTAssertNil(pods[1].spec["tolerations"], "a CPU group needs no GPU toleration")

        let autopilot = try podSpecs(try manifest { $0.cluster.mode = .createAutopilot; $0.ray.workers.append(Self.gpuGroup) })
        XCTAssertEqual(autopilot.last?.spec["nodeSelector"] as? [String: String], ["cloud.google.com/gke-accelerator": "nvidia-l4"])
        XCTAssertNil(autopilot.last?.spec["tolerations"], "Autopilot adds the GPU toleration itself")
        XCTAssertNil(autopilot[1].spec["nodeSelector"])

        let fixed = try manifest { $0.ray.autoscaling = false }
        XCTAssertNil((fixed["spec"] as? [String: Any])?["enableInTreeAutoscaling"])
    }
}
