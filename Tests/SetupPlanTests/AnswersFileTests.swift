import SetupPlan
import XCTest

final class AnswersFileTests: XCTestCase {
    func load(_ yaml: String, _ overrides: [String] = []) -> Result<Answers, AnswersError> {
        do { return .success(try AnswersFile.load(yaml: yaml, overrides: overrides)) } catch { return .failure(error) }
    }

    func errors(_ yaml: String, _ overrides: [String] = []) -> [String] {
        guard case .failure(let error) = load(yaml, overrides) else { XCTFail("expected errors"); return [] }
        return error.errors.map(\.description)
    }

    func testOnlyProjectAndBucketAreRequired() throws {
        XCTAssertEqual(errors(""), ["project: is required", "bucket.name: is required"])
        let answers = try AnswersFile.load(yaml: "", overrides: ["project=demo-project", "bucket.name=my-bucket"])
        var expected = Answers()
        expected.project = "demo-project"
        expected.bucket.name = "my-bucket"
        XCTAssertEqual(answers, expected)
        XCTAssertEqual(answers.cluster.name, "cloud-bucket-cluster")
        XCTAssertEqual(answers.resolvedBucketLocation, "us-west1")
        XCTAssertEqual(answers.resolvedImage, "rayproject/ray:\(RayVersions.default)")
    }

    func testAnExistingStandardClustersNodePoolIsAnsweredAndChecked() throws {
        let base = ["project=demo-project", "bucket.name=my-bucket", "cluster.mode=existing"]
        let plan = PlanBuilder.build(try AnswersFile.load(yaml: "", overrides: base + ["cluster.nodePool=ray-pool"]), checkScript: "")
        let step = try XCTUnwrap(plan.step(.enableGKEMetadata))
        XCTAssertEqual(step.title, "Switch the node pool ray-pool to the GKE metadata server")
        XCTAssertEqual(Array(step.argv.prefix(5)), ["gcloud", "container", "node-pools", "update", "ray-pool"])
        XCTAssertEqual(step.probe.map { Array($0.argv.prefix(5)) }, ["gcloud", "container", "node-pools", "describe", "ray-pool"])
        // Unset, the pool is GKE's default one; the normalized file keeps the key only when it was given, so that
        // switching to Autopilot later (resume --set cluster.autopilot=true) does not conflict with a filled-in default.
        let unset = try AnswersFile.load(yaml: "", overrides: base)
        XCTAssertEqual(PlanBuilder.build(unset, checkScript: "").step(.enableGKEMetadata)?.argv[4], "default-pool")
        XCTAssertFalse(AnswersFile.normalizedYAML(unset).contains("nodePool"))
        var given = try AnswersFile.load(yaml: "", overrides: base + ["cluster.nodePool=ray-pool"])
        XCTAssertTrue(AnswersFile.normalizedYAML(given).contains("nodePool: ray-pool"))
        given.cluster.autopilot = true
        XCTAssertFalse(AnswersFile.normalizedYAML(given).contains("nodePool"), "not an Autopilot cluster's key")
        XCTAssertNoThrow(try AnswersFile.load(yaml: AnswersFile.normalizedYAML(unset), overrides: ["cluster.autopilot=true"]))
        XCTAssertFalse(AnswersFile.normalizedYAML(try AnswersFile.load(yaml: "", overrides: ["project=demo-project", "bucket.name=my-bucket"]))
            .contains("nodePool"), "a cluster the wizard creates has no such key")

        XCTAssertEqual(errors("", base + ["cluster.nodePool=Ray_Pool"]), [
            "cluster.nodePool \"Ray_Pool\": node pool names are 1-40 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
        ])
        for other in [["cluster.mode=create-standard"], ["cluster.autopilot=true"]] {
            XCTAssertEqual(errors("", base + other + ["cluster.nodePool=ray-pool"]), [
                "cluster.nodePool \"ray-pool\": only used with cluster.mode existing on a Standard cluster (the pool switched to the GKE metadata server); remove it",
            ], "\(other)")
        }
    }

    func testAnExistingClusterIsAddressedByItsLocationAndKind() throws {
        let base = ["project=demo-project", "bucket.name=my-bucket", "cluster.mode=existing"]
        let file = "cluster:\n  mode: existing\n  location: europe-west4\n  autopilot: true\n"
        let answers = try AnswersFile.load(yaml: file, overrides: ["project=demo-project", "bucket.name=my-bucket"])
        XCTAssertEqual(answers.clusterLocation, "europe-west4")
        XCTAssertTrue(answers.isAutopilot)
        XCTAssertFalse(answers.usesMetadataNodeSelector)
        XCTAssertEqual(answers.resolvedBucketLocation, "europe-west4", "the bucket defaults to the cluster's region, not the zone's")
        // Without a location the zone is the address.
        let zonal = try AnswersFile.load(yaml: "", overrides: base)
        XCTAssertNil(zonal.cluster.location)
        XCTAssertEqual(zonal.clusterLocation, "us-west1-b")
        XCTAssertFalse(zonal.cluster.autopilot)
        XCTAssertTrue(zonal.usesMetadataNodeSelector)
        XCTAssertEqual(try AnswersFile.load(yaml: "", overrides: base + ["cluster.location=us-east1-c"]).resolvedBucketLocation, "us-east1")
        // The normalized file keeps the location only when it was given, so switching to a new cluster later
        // (resume --set cluster.mode=create-standard --replan) does not conflict with a filled-in default.
        XCTAssertFalse(AnswersFile.normalizedYAML(zonal).contains("location: us-west1-b"))
        XCTAssertEqual(try AnswersFile.load(yaml: AnswersFile.normalizedYAML(zonal)).clusterLocation, "us-west1-b")
        XCTAssertEqual(try AnswersFile.load(yaml: AnswersFile.normalizedYAML(zonal), overrides: ["cluster.mode=create-standard"]).cluster.mode,
                       .createStandard)
        XCTAssertTrue(AnswersFile.normalizedYAML(try AnswersFile.load(yaml: file, overrides: ["project=demo-project", "bucket.name=my-bucket"]))
            .contains("location: europe-west4"))

        XCTAssertEqual(errors("", base + ["cluster.location=us-west", "cluster.autopilot=yes"]), [
            "cluster.autopilot \"yes\": must be true or false",
            "cluster.location \"us-west\": cluster locations are a zone (e.g. us-west1-b) or a region (e.g. us-west1)",
        ])
        // Said of a cluster the wizard creates, they would be ignored: the file says so instead.
        XCTAssertEqual(errors("", ["project=demo-project", "bucket.name=my-bucket", "cluster.mode=create-autopilot",
                                   "cluster.location=us-east1", "cluster.autopilot=true"]), [
            "cluster.location \"us-east1\": only used with cluster.mode existing (a new cluster goes in the zone, or its region for Autopilot); remove it or switch the mode",
            "cluster.autopilot \"true\": only used with cluster.mode existing; to create an Autopilot cluster use cluster.mode create-autopilot",
        ])
        // Autopilot's minimum CPU holds for an existing Autopilot cluster too.
        XCTAssertEqual(errors("", base + ["cluster.autopilot=true", "ray.headCPU=100m"]),
                       ["ray.headCPU \"100m\": Autopilot needs at least 250m CPU per pod"])
    }

    func testOverridesApplyAfterTheFile() throws {
        let answers = try AnswersFile.load(yaml: "project: first-project\nbucket:\n  name: a-bucket\n",
                                           overrides: ["project=second-project", "cluster.numNodes=2", "cluster.maxNodes=3", "bucket.create=false"])
        XCTAssertEqual(answers.project, "second-project")
        XCTAssertEqual(answers.cluster.numNodes, 2)
        XCTAssertFalse(answers.bucket.create)
        XCTAssertEqual(answers.bucket.name, "a-bucket")
    }

    func testUnknownKeysAndWrongTypesNameTheirPathAndPlace() {
        let yaml = """
        project: demo-project
        zone: us-west1-b
        cluster:
          nmae: typo
          numNodes: "3"
          maxNodes: [1]
        bucket: {name: my-bucket, create: yes}
        identity: direct
        extra: 1
        """
        XCTAssertEqual(errors(yaml), [
            "cluster.nmae: unknown key (line 4, column 3); known keys here: name, mode, location, autopilot, nodePool, machineType, numNodes, minNodes, maxNodes, rayClusterLogging, rayClusterMonitoring",
            "cluster.numNodes \"3\": must be a whole number, not a quoted string (line 5, column 13)",
            "cluster.maxNodes: must be a single value, not a list or mapping (line 6, column 13)",
            "bucket.create \"yes\": must be true or false (line 7, column 35)",
            "identity: must be a mapping with keys mode, namespace, kubernetesServiceAccount, iamServiceAccount (line 8, column 11)",
            "extra: unknown key (line 9, column 1); known keys here: project, zone, cluster, operator, identity, bucket, ray",
        ])
    }

    func testMalformedYAMLReportsLineAndColumn() {
        let problems = errors("project: demo-project\nbucket:\n  name: [unclosed\n")
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("answers: the answers file is not valid YAML at line 4, column 1"), problems[0])
    }

    func testEveryProblemIsReportedAtOnce() {
        let problems = errors("", ["project=Demo", "bucket.name=My_Bucket", "zone=us;rm", "cluster.numNodes=x",
                                   "identity.mode=direct", "identity.iamServiceAccount=abcdef", "cluster.minNodes=5", "oops=1"])
        XCTAssertEqual(problems, [
            "cluster.numNodes \"x\": must be a whole number, 0 or more",
            "oops: (--set) unknown key; known keys: " + AnswerFields.all.map(\.path).joined(separator: ", "),
            "project \"Demo\": project IDs are 6-30 characters",
            "zone \"us;rm\": zones look like REGION-LETTER, e.g. us-west1-b",
            "bucket.name \"My_Bucket\": bucket names use lowercase letters, digits, '-', '_' and '.'",
            "cluster.minNodes \"5\": must be at most cluster.numNodes (1)",
            "identity.iamServiceAccount \"abcdef\": only used with identity.mode iam-service-account; remove it or switch the mode",
        ])
    }

    func testCrossFieldRules() {
        let base = ["project=demo-project", "bucket.name=my-bucket"]
        XCTAssertEqual(errors("", base + ["cluster.numNodes=3", "cluster.maxNodes=2"]),
                       ["cluster.maxNodes \"2\": must be at least cluster.numNodes (3)"])
        XCTAssertEqual(errors("", base + ["bucket.location=us-west1-b"]),
                       ["bucket.location \"us-west1-b\": a zone is not a bucket location: use a region (e.g. us-west1) or a multi-region (US, EU, ASIA)"])
        // Node counts do not matter when the cluster is not created as Standard.
        XCTAssertNoThrow(try AnswersFile.load(yaml: "", overrides: base + ["cluster.mode=create-autopilot", "cluster.numNodes=0"]))
        XCTAssertEqual(errors("", base + ["cluster.mode=create-autopilot", "ray.headCPU=100m"]),
                       ["ray.headCPU \"100m\": Autopilot needs at least 250m CPU per pod"])
    }

    func testHostileValuesNeverPassAnyTextField() {
        let base = ["project=demo-project", "bucket.name=my-bucket"]
        for field in AnswerFields.all where field.kind == .text {
            for value in NamingRulesTests.hostile where !value.isEmpty {
                var overrides = base + ["\(field.path)=\(value)"]
                if field.path == "identity.iamServiceAccount" { overrides.append("identity.mode=iam-service-account") }
                if field.path == "cluster.location" || field.path == "cluster.nodePool" { overrides.append("cluster.mode=existing") }
                if case .success = load("", overrides) { XCTFail("\(field.path) accepted \(value.debugDescription)") }
            }
        }
    }

    func testNormalizedYAMLRoundTripsWithDefaultsFilled() throws {
        for identity in IdentityMode.allCases {
            var answers = Answers()
            answers.project = "demo-project"
            answers.bucket.name = "my-bucket"
            answers.identity.mode = identity
            answers.ray.headCPU = "2"
            let text = AnswersFile.normalizedYAML(answers)
            XCTAssertTrue(text.contains("location: us-west1"))
            XCTAssertTrue(text.contains("image: rayproject/ray:\(RayVersions.default)"))
            XCTAssertTrue(text.contains("version: \(RayVersions.default)\n"), text)
            XCTAssertTrue(text.contains("headCPU: \"2\""), text)
            XCTAssertEqual(text.contains("iamServiceAccount"), identity == .iamServiceAccount)
            var filled = answers
            filled.bucket.location = "us-west1"
            filled.ray.image = "rayproject/ray:\(RayVersions.default)"
            if identity == .iamServiceAccount { filled.identity.iamServiceAccount = "my-iam-sa" }
            XCTAssertEqual(try AnswersFile.load(yaml: text), filled)
            XCTAssertFalse(text.contains("autopilot"), "a key only an existing cluster has")
        }
    }

    func testNormalizedYAMLOfAnExistingClusterNamesItsKindAndAGivenLocation() throws {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        answers.cluster.mode = .existing
        let zonal = AnswersFile.normalizedYAML(answers)
        // Unset, the location is the zone (a key of its own): only a given location is written.
        XCTAssertTrue(zonal.contains("  mode: existing\n  autopilot: false\n"), zonal)
        XCTAssertEqual(try AnswersFile.load(yaml: zonal).clusterLocation, "us-west1-b")

        answers.cluster.location = "us-west1"
        answers.cluster.autopilot = true
        let text = AnswersFile.normalizedYAML(answers)
        XCTAssertTrue(text.contains("  mode: existing\n  location: us-west1\n  autopilot: true\n"), text)
        var filled = answers
        filled.bucket.location = "us-west1"
        filled.ray.image = "rayproject/ray:\(RayVersions.default)"
        filled.identity.iamServiceAccount = "my-iam-sa"
        XCTAssertEqual(try AnswersFile.load(yaml: text), filled)
    }
}
