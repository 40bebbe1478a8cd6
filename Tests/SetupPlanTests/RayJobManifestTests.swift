import Foundation
import SetupPlan
import WizardResources
import XCTest
import Yams

/// The example RayJobs: both forms against KubeRay's v1.7.0 RayJob CRD, the identity on every pod template, the
/// token only by reference, and an entrypoint that runs.
final class RayJobManifestTests: XCTestCase {
    static func rayJobSchema() throws -> [String: Any] { try ManifestSchemaTests.v1Schema(of: "ray.io_rayjobs.yaml") }

    func answers(_ configure: (inout Answers) -> Void = { _ in }) -> Answers {
        var a = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).answers()
        configure(&a)
        return a
    }

    func doc(_ answers: Answers, _ target: RayJobManifest.Target) throws -> [String: Any] {
        try XCTUnwrap(try Yams.load(yaml: RayJobManifest(answers, target: target).yaml(file: "rayjob.yaml")) as? [String: Any])
    }

    /// Every answer combination the RayJobs cover: cluster mode, a GPU group, the mount, token auth.
    static let combinations: [(name: String, answers: Answers)] = ClusterMode.allCases.flatMap { mode in
        [false, true].flatMap { gpu in
            [false, true].flatMap { mount in
                [RayAuth.token, .none].map { auth in
                    var a = Combination(cluster: mode, op: .gkeAddon, identity: .iamServiceAccount).answers()
                    if gpu { a.ray.workers.append(ManifestSchemaTests.gpuGroup) }
                    a.bucket.mount = mount
                    a.ray.auth = auth
                    return ("\(mode.rawValue)\(gpu ? "-gpu" : "")\(mount ? "-mount" : "")-auth-\(auth.rawValue)", a)
                }
            }
        }
    }

    /// The pod templates of a RayJob: its own cluster's head and worker groups (if any), then the submitter's.
    func templates(_ doc: [String: Any]) throws -> [(name: String, template: [String: Any])] {
        let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
        var result: [(String, [String: Any])] = []
        if let cluster = spec["rayClusterSpec"] as? [String: Any] {
            let clusterTemplates = try ManifestSchemaTests.podTemplates(["spec": cluster])
            result += clusterTemplates.enumerated().map { ("cluster template \($0.offset)", $0.element) }
        }
        result.append(("submitter", try XCTUnwrap(spec["submitterPodTemplate"] as? [String: Any])))
        return result
    }

    func env(_ template: [String: Any]) throws -> [String: [String: Any]] {
        let container = try XCTUnwrap(((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        return Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) })
    }

    func testBothFormsValidateAgainstTheV1RayJobCRDInEveryCombination() throws {
        let schema = try Self.rayJobSchema()
        XCTAssertEqual(Self.combinations.count, 24)
        for (name, answers) in Self.combinations {
            for target in [RayJobManifest.Target.wizardCluster, .ownCluster] {
                XCTAssertEqual(SchemaValidator.violations(of: try doc(answers, target), against: schema), [], "\(name), \(target)")
            }
        }
        var broken = try doc(answers(), .wizardCluster)
        var spec = try XCTUnwrap(broken["spec"] as? [String: Any])
        spec["clusterSelektor"] = spec["clusterSelector"]
        spec["submitterPodTemplate"] = ["spec": ["restartPolicy": 1]]
        broken["spec"] = spec
        let problems = SchemaValidator.violations(of: broken, against: schema)
        XCTAssertTrue(problems.contains(".spec.clusterSelektor: unknown field"), "\(problems)")
        XCTAssertTrue(problems.contains(".spec.submitterPodTemplate.spec.restartPolicy: must be a string, got Int"), "\(problems)")
    }

    func testEveryTemplateRunsAsTheKSAWithTheMetadataServerAndTheMountWhereOn() throws {
        for (name, answers) in Self.combinations {
            for target in [RayJobManifest.Target.wizardCluster, .ownCluster] {
                let all = try templates(try doc(answers, target))
                XCTAssertEqual(all.count, target == .wizardCluster ? 1 : 2 + answers.ray.workers.count, name)
                for (which, template) in all {
                    let context = "\(name), \(target), \(which)"
                    let pod = try XCTUnwrap(template["spec"] as? [String: Any])
                    XCTAssertEqual(pod["serviceAccountName"] as? String, "my-ksa", context)
                    let selector = pod["nodeSelector"] as? [String: String]
                    XCTAssertEqual(selector?[RayClusterManifest.metadataServerLabel], answers.isAutopilot ? nil : "true", context)
                    let annotations = (template["metadata"] as? [String: Any])?["annotations"] as? [String: String]
                    XCTAssertEqual(annotations?[RayClusterManifest.gcsFuseAnnotation], answers.bucket.mount ? "true" : nil, context)
                    let mounts = (((pod["containers"] as? [[String: Any]])?.first)?["volumeMounts"] as? [[String: Any]]) ?? []
                    XCTAssertEqual(mounts.compactMap { $0["mountPath"] as? String }, answers.bucket.mount ? [answers.bucket.mountPath] : [], context)
                }
                let submitter = try XCTUnwrap(all.last?.template["spec"] as? [String: Any])
                XCTAssertEqual(submitter["restartPolicy"] as? String, "Never", "a Job's pods may not restart in place")
                XCTAssertEqual((submitter["containers"] as? [[String: Any]])?.first?["name"] as? String, "ray-job-submitter")
            }
        }
    }

    func testTheWizardsClusterIsSelectedAndAnOwnClusterIsTheRayClusterSpec() throws {
        for (name, answers) in Self.combinations {
            let selected = try XCTUnwrap(try doc(answers, .wizardCluster)["spec"] as? [String: Any])
            XCTAssertEqual(selected["clusterSelector"] as? [String: String], ["ray.io/cluster": "raycluster-mini"], name)
            XCTAssertNil(selected["rayClusterSpec"], name)
            XCTAssertNil(selected["shutdownAfterJobFinishes"], "the wizard's cluster stays")

            let own = try XCTUnwrap(try doc(answers, .ownCluster)["spec"] as? [String: Any])
            XCTAssertNil(own["clusterSelector"], name)
            XCTAssertEqual(own["shutdownAfterJobFinishes"] as? Bool, true)
            let cluster = try XCTUnwrap(try Yams.load(yaml: RayClusterManifest(answers).yaml()) as? [String: Any])
            XCTAssertEqual(own["rayClusterSpec"] as? NSDictionary, cluster["spec"] as? NSDictionary, "the RayCluster's spec, \(name)")
        }
    }

    func testTheSubmitterReadsTheTokenFromTheClustersSecretAndNeverALiteral() throws {
        let token = answers()
        let selected = try XCTUnwrap(try templates(try doc(token, .wizardCluster)).last?.template)
        let variables = try env(selected)
        XCTAssertEqual(variables["RAY_AUTH_MODE"]?["value"] as? String, "token")
        let secret = try XCTUnwrap(variables["RAY_AUTH_TOKEN"])
        XCTAssertNil(secret["value"], "never a literal token")
        XCTAssertEqual((secret["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: String],
                       ["name": RayClusterManifest.tokenSecretName(token), "key": "auth_token"])

        // The own cluster's Secret is named by KubeRay after a generated cluster name: the operator sets the
        // submitter's variables from authOptions.
        let own = try doc(token, .ownCluster)
        XCTAssertEqual(((own["spec"] as? [String: Any])?["rayClusterSpec"] as? [String: Any])?["authOptions"] as? [String: String],
                       ["mode": "token"])
        for (which, template) in try templates(own) { XCTAssertNil(try env(template)["RAY_AUTH_TOKEN"], which) }

        let open = answers { $0.ray.auth = .none }
        for target in [RayJobManifest.Target.wizardCluster, .ownCluster] {
            let text = RayJobManifest(open, target: target).yaml(file: "rayjob.yaml")
            XCTAssertFalse(text.contains("RAY_AUTH"), "\(target)")
            XCTAssertFalse(text.contains("authOptions"), "\(target)")
        }
    }

    func testNamesFitKubeRaysLimit() {
        let long = answers { $0.ray.clusterName = String(repeating: "a", count: 42) + "-bbbbbbb" }
        XCTAssertNil(NamingRules.rayClusterName(long.ray.clusterName))
        for target in [RayJobManifest.Target.wizardCluster, .ownCluster] {
            let name = RayJobManifest.jobName(long, target: target)
            XCTAssertLessThanOrEqual(name.count, 47, name)
            XCTAssertNil(NamingRules.rayClusterName(name), name)
        }
        XCTAssertEqual(RayJobManifest.jobName(long, target: .ownCluster), String(repeating: "a", count: 39) + "-own-job",
                       "no hyphen left where the name was cut")
        XCTAssertEqual(RayJobManifest.jobName(answers(), target: .wizardCluster), "raycluster-mini-job")
    }

    /// Runs the entrypoint as the head would, a bash command line, with `python` the shell function `python`.
    func runEntrypoint(_ entrypoint: String, python: String = "\"$PYTHON\" \"$@\"") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "python() { \(python); }; " + entrypoint]
        process.environment = ["PYTHON": try python3(), "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func python3() throws -> String {
        let path = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return try XCTUnwrap(path, "python3 runs the example entrypoints")
    }

    func testTheMountedExampleWritesItsFileAtTheMountPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rayjob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mounted = answers { $0.bucket.mount = true; $0.bucket.mountPath = folder.path }
        let result = try runEntrypoint(RayJobManifest.exampleEntrypoint(mounted))
        XCTAssertEqual(result.status, 0, result.output)
        let written = try String(contentsOf: folder.appendingPathComponent(RayJobManifest.exampleObject), encoding: .utf8)
        XCTAssertTrue(written.hasPrefix("written by a RayJob on "), written)
        XCTAssertEqual(result.output, "wrote \(folder.path)/rayjob-example.txt, gs://my-bucket/rayjob-example.txt\n")
    }

    func testTheUnmountedExampleUploadsWithTheMetadataServersToken() throws {
        let entrypoint = RayJobManifest.exampleEntrypoint(answers())
        XCTAssertTrue(entrypoint.contains("https://storage.googleapis.com/upload/storage/v1/b/my-bucket/o?uploadType=media&name=rayjob-example.txt"))
        XCTAssertTrue(entrypoint.contains("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"))
        // Only parsed here (running it would leave 127.0.0.1): bash hands `python` its program intact, and it is Python.
        let result = try runEntrypoint(entrypoint, python: #"[ "$1" = -c ] && "$PYTHON" -c 'import ast, sys; ast.parse(sys.argv[1]); print("parsed")' "$2""#)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output, "parsed\n")
    }

    func testSnapshotsOfBothForms() throws {
        let picked = Self.combinations.filter {
            ["create-standard-auth-token", "create-autopilot-gpu-mount-auth-token", "existing-gpu-mount-auth-none"].contains($0.name)
        }
        XCTAssertEqual(picked.count, 3)
        for (name, answers) in picked {
            for (target, file) in [(RayJobManifest.Target.wizardCluster, "rayjob"), (.ownCluster, "rayjob-own-cluster")] {
                try Snapshot.check(RayJobManifest(answers, target: target).yaml(file: file + ".yaml"), "\(file)_\(name).yaml",
                                   what: "\(file) for \(name)")
            }
        }
    }

    func testThePlanWritesBothFiles() {
        let plan = PlanBuilder.build(answers(), checkScript: WizardResources.bucketProbeScript)
        XCTAssertEqual(plan.rayJobFiles.map(\.name), ["rayjob.yaml", "rayjob-own-cluster.yaml"])
        XCTAssertTrue(plan.rayJobFiles[0].text.contains("kubectl apply -f rayjob.yaml"))
        XCTAssertTrue(plan.rayJobFiles[1].text.contains("kubectl apply -f rayjob-own-cluster.yaml"))
    }
}
