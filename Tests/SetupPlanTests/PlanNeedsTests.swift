import Foundation
import SetupPlan
import WizardResources
import XCTest

/// The plan's graph: what each step waits for, so `apply` can run the others at the same time.
final class PlanNeedsTests: XCTestCase {
    /// Every plan shape the snapshots cover, plus a GPU pool with the bucket mounted.
    static let shapes: [(name: String, plan: Plan)] = {
        var mounted = Combination(cluster: .existing, op: .gkeAddon, identity: .iamServiceAccount).answers()
        mounted.bucket.mount = true
        mounted.ray.workers.append(PlanBuilderTests.gpuGroup)
        let named = Combination.all.map { ($0.description, $0.answers()) } + PlanBuilderTests.regionalExisting
            + [("existing-gpu-mount_gke-addon_iam-service-account", mounted)]
        return named.map { ($0.0, PlanBuilder.build($0.1, checkScript: WizardResources.bucketProbeScript)) }
    }()

    func testEveryNeedIsAnEarlierStepSoThePlanOrderIsAValidRunOrder() {
        for (name, plan) in Self.shapes {
            for (index, step) in plan.steps.enumerated() {
                for need in step.needs {
                    let at = plan.steps.firstIndex { $0.id == need }
                    XCTAssertNotNil(at, "\(name): \(step.id) needs \(need), which the plan lacks")
                    XCTAssertLessThan(at ?? .max, index, "\(name): \(step.id) needs \(need), which comes after it")
                }
                XCTAssertEqual(Set(step.needs).count, step.needs.count, "\(name): \(step.id) names a need twice")
            }
        }
    }

    /// A step reads a value (`${PROJECT_NUMBER}`, the RayCluster file) only after the step that captures it is done.
    func testEveryPlaceholderWaitsForTheStepThatReadsIt() {
        for (name, plan) in Self.shapes {
            for step in plan.steps {
                let providers = plan.steps.filter { !Set($0.captures).isDisjoint(with: step.placeholders) }.map(\.id)
                for provider in providers where provider != step.id {
                    XCTAssertTrue(ancestors(of: step.id, in: plan).contains(provider), "\(name): \(step.id) reads a value of \(provider)")
                }
            }
        }
    }

    /// What the issue asks to overlap: the Google side while the cluster provisions, GPU pools while the operator, the
    /// KSA and the head pod come up. A binding whose member is in the workload pool waits for the cluster.
    func testWhatDoesNotNeedTheClusterDoesNotWaitForIt() throws {
        var answers = Combination(cluster: .createStandard, op: .gkeAddon, identity: .iamServiceAccount).answers()
        answers.ray.workers.append(PlanBuilderTests.gpuGroup)
        let plan = PlanBuilder.build(answers, checkScript: WizardResources.bucketProbeScript)
        for id in [StepID.createIAMServiceAccount, .createBucket, .grantBucketRole] {
            XCTAssertFalse(ancestors(of: id, in: plan).contains(.createCluster), "\(id) waits for the cluster")
        }
        XCTAssertTrue(ancestors(of: .bindWorkloadIdentity, in: plan).contains(.waitCluster),
                      "the workload pool exists only once the cluster is up")
        let pool = StepID.createNodePool(group: "gpu")
        XCTAssertEqual(plan.step(pool)?.needs, [.waitCluster])
        for id in [StepID.checkCRD, .createKSA, .applyRayCluster, .waitHead] {
            XCTAssertFalse(ancestors(of: id, in: plan).contains(pool), "\(id) waits for the GPU pool")
        }
        XCTAssertTrue(ancestors(of: .waitWorkers, in: plan).contains(pool), "the GPU workers need their pool")
        XCTAssertTrue(ancestors(of: .verifyBucket, in: plan).isSuperset(of: [.grantBucketRole, .bindWorkloadIdentity, .waitWorkers]))

        var direct = Combination(cluster: .createAutopilot, op: .helm, identity: .direct).answers()
        direct.ray.auth = .none
        let directPlan = PlanBuilder.build(direct, checkScript: WizardResources.bucketProbeScript)
        XCTAssertEqual(directPlan.step(.grantBucketRole)?.needs, [.createBucket, .readProjectNumber, .waitCluster],
                       "the direct principal is a member of the workload pool")
        XCTAssertEqual(directPlan.step(.helmRepo)?.needs, [.checkHelm], "the chart's repository needs no cluster")
    }

    /// GKE runs one operation per cluster: an existing cluster's updates, its add-ons and the GPU pools form one chain.
    func testClusterOperationsRunOneAfterAnother() throws {
        let plan = try XCTUnwrap(Self.shapes.first { $0.name == "existing-gpu-mount_gke-addon_iam-service-account" }?.plan)
        let operations: [StepID] = [.enableWorkloadIdentity, .enableGKEMetadata, .enableRayAddon, .enableGcsFuseAddon,
                                    .createNodePool(group: "gpu")]
        XCTAssertEqual(plan.steps.map(\.id).filter(operations.contains), operations)
        for (before, after) in zip(operations, operations.dropFirst()) {
            XCTAssertEqual(plan.step(after)?.needs, [before], "\(after)")
        }
        XCTAssertTrue(ancestors(of: .applyRayCluster, in: plan).contains(.enableGcsFuseAddon), "mounting pods need the add-on")
        XCTAssertFalse(ancestors(of: .applyRayCluster, in: plan).contains(.createNodePool(group: "gpu")))
    }

    /// A wrong answer about an existing cluster stops the run before anything is created, gate or no gate.
    func testNothingIsCreatedBeforeAnExistingClustersChecks() {
        for (name, plan) in Self.shapes where plan.step(.checkClusterType) != nil {
            for step in plan.steps where step.kind == .create || step.kind == .update && step.id != .enableAPIs {
                XCTAssertTrue(ancestors(of: step.id, in: plan).contains(.checkClusterType), "\(name): \(step.id)")
            }
        }
    }

    func testGraphSnapshotOfEveryShape() throws {
        let text = Self.shapes.map { name, plan in
            "\(name)\n" + plan.steps.map { "  \($0.id) <- \($0.needs.map(\.rawValue).joined(separator: ", "))\n" }.joined()
        }.joined(separator: "\n")
        try Snapshot.check(text, "needs.txt", what: "the plans' graphs")
    }

    func testJSONAndTheReviewTextNameTheNeeds() throws {
        let plan = Combination(cluster: .createStandard, op: .gkeAddon, identity: .direct).plan()
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PlanJSON.render(plan).utf8)) as? [String: Any])
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.first { $0["id"] as? String == "wait-cluster" }?["needs"] as? [String], ["create-cluster"])
        XCTAssertEqual(steps.first { $0["id"] as? String == "check-gcloud" }?["needs"] as? [String], [])
        let text = PlanText.render(plan, needs: true)
        XCTAssertTrue(text.contains("    after: create-cluster\n"), text)
        XCTAssertTrue(text.contains("    after: nothing (starts at once)\n"), text)
        XCTAssertFalse(PlanText.render(plan).contains("after:"), "the text plan is as before")
    }

    private func ancestors(of id: StepID, in plan: Plan) -> Set<StepID> {
        var found: Set<StepID> = []
        var queue = plan.step(id)?.needs ?? []
        while let next = queue.popLast() {
            if found.insert(next).inserted { queue += plan.step(next)?.needs ?? [] }
        }
        return found
    }
}
