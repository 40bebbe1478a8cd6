import SetupPlan
import WizardResources
import XCTest

/// `bucket.mount`: the add-on where the cluster needs it, the check both ways, the answers' rules.
final class BucketMountPlanTests: XCTestCase {
    func plan(_ cluster: ClusterMode, op: OperatorMode = .gkeAddon, autopilot: Bool = false, mount: Bool = true) -> Plan {
        var answers = Combination(cluster: cluster, op: op, identity: .direct).answers()
        answers.bucket.mount = mount
        if cluster == .existing, autopilot {
            answers.cluster.autopilot = true
            answers.cluster.location = "us-west1"
        }
        return PlanBuilder.build(answers, checkScript: WizardResources.bucketProbeScript)
    }

    func testStandardCreateAsksForTheAddonAndChecksIt() throws {
        let standard = plan(.createStandard)
        let create = try XCTUnwrap(standard.step(.createCluster))
        XCTAssertEqual(create.argv.suffix(2), ["--addons", "RayOperator,GcsFuseCsiDriver"])
        XCTAssertEqual(plan(.createStandard, op: .helm).step(.createCluster)?.argv.suffix(2), ["--addons", "GcsFuseCsiDriver"])
        XCTAssertEqual(plan(.createStandard, mount: false).step(.createCluster)?.argv.suffix(2), ["--addons", "RayOperator"])
        // After the create, found done by its probe; it turns the add-on on when the mount comes later (--replan).
        let addon = try XCTUnwrap(standard.step(.enableGcsFuseAddon))
        XCTAssertEqual(addon.argv.suffix(2), ["--update-addons", "GcsFuseCsiDriver=ENABLED"])
        XCTAssertEqual(addon.probe?.argv.last, "value(addonsConfig.gcsFuseCsiDriverConfig.enabled)")
        XCTAssertEqual(addon.probe?.expect, .equals("True"))
        let ids = standard.steps.map(\.id.rawValue)
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: "wait-cluster")), try XCTUnwrap(ids.firstIndex(of: "enable-gcsfuse-addon")))
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: "enable-gcsfuse-addon")), try XCTUnwrap(ids.firstIndex(of: "apply-raycluster")))
    }

    func testExistingStandardClusterGetsTheAddonAndAutopilotAlreadyHasIt() {
        XCTAssertNotNil(plan(.existing).step(.enableGcsFuseAddon))
        XCTAssertNil(plan(.existing, autopilot: true).step(.enableGcsFuseAddon))
        XCTAssertNil(plan(.createAutopilot).step(.enableGcsFuseAddon))
        XCTAssertFalse(plan(.createAutopilot).step(.createCluster)?.argv.contains("GcsFuseCsiDriver") ?? true)
        XCTAssertNil(plan(.existing, mount: false).step(.enableGcsFuseAddon))
    }

    func testTheMountIsCheckedBothWaysAfterTheBucketCheck() throws {
        let mounted = plan(.createStandard)
        let check = try XCTUnwrap(mounted.step(.verifyMount))
        // The same probe as the bucket check, given the mount path.
        XCTAssertEqual(check.argv.suffix(6), [WizardResources.bucketProbeScript, "nodes", "my-bucket", MountCheck.prefix,
                                              PlanBuilder.checkText, "/mnt/cluster_storage"])
        XCTAssertEqual(mounted.step(.verifyBucket)?.argv.suffix(5),
                       [WizardResources.bucketProbeScript, "nodes", "my-bucket", PlanBuilder.checkPrefix, PlanBuilder.checkText])
        XCTAssertEqual(mounted.steps.last?.id, .verifyMount)
        XCTAssertNil(plan(.createStandard, mount: false).step(.verifyMount))
    }

    func testMountPathRules() {
        for good in ["/mnt/cluster_storage", "/data", "/mnt/a.b-c_d"] { XCTAssertNil(NamingRules.mountPath(good), good) }
        for bad in ["mnt/x", "/", "/mnt/../etc", "/mnt/./x", "/mnt/a b", "/mnt/$(id)", "/etc", "/usr/lib/x", "/tmp/ray", "/home/ray/x", ""] {
            XCTAssertNotNil(NamingRules.mountPath(bad), bad)
        }
    }

    func testMountPathOnlyWithTheMount() throws {
        XCTAssertThrowsError(try AnswersFile.load(yaml: "project: demo-project\nbucket:\n  name: my-bucket\n  mountPath: /mnt/x\n")) { error in
            let problems = (error as? AnswersError)?.errors.map(\.description) ?? []
            XCTAssertEqual(problems, ["bucket.mountPath \"/mnt/x\": only used with bucket.mount true; remove it or mount the bucket"])
        }
        let answers = try AnswersFile.load(yaml: "project: demo-project\nbucket:\n  name: my-bucket\n  mount: true\n  mountPath: /mnt/x\n")
        XCTAssertEqual(answers.bucket.mountPath, "/mnt/x")
        XCTAssertTrue(AnswersFile.normalizedYAML(answers).contains("mountPath: /mnt/x"))
        XCTAssertFalse(AnswersFile.normalizedYAML(Answers()).contains("mountPath"), "left out without the mount")
    }
}
