import SetupPlan
import XCTest

/// Step ids are typed; their string form (journal, events, logs, `--timeout`) reads back as the same id.
final class StepIDTests: XCTestCase {
    /// Every step of every setup plan the wizard makes (each combination, GPU groups, the mount, the add-on's options)
    /// and of their destroy plans, with every option.
    private var allSteps: [Step] {
        var plans = Combination.all.map { $0.plan() }
        for combo in Combination.all {
            var a = combo.answers()
            var gpu = WorkerGroup(name: "gpu")
            gpu.gpu = WorkerGroup.GPU(type: "nvidia-l4")
            a.ray.workers.append(gpu)
            a.bucket.mount = true
            a.cluster.rayClusterLogging = a.operator == .gkeAddon
            a.cluster.rayClusterMonitoring = a.operator == .gkeAddon
            a.identity.namespace = "ray"
            a.bucket.create = !a.bucket.create
            plans.append(PlanBuilder.build(a, checkScript: ""))
        }
        var steps = plans.flatMap(\.steps)
        for plan in plans {
            let made = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, SetupRecord.done) })
            for options in [DestroyOptions(), DestroyOptions(deleteBucket: true, force: true)] {
                steps += DestroyPlanBuilder.build(setup: plan, records: made, options: options).plan.steps
            }
        }
        return steps
    }

    func testEveryIdReadsBackFromItsStringForm() throws {
        var seen: [String: StepID] = [:]
        for step in allSteps {
            XCTAssertEqual(StepID(rawValue: step.id.rawValue), step.id, step.id.rawValue)
            if let other = seen.updateValue(step.id, forKey: step.id.rawValue) {
                XCTAssertEqual(other, step.id, "two ids spelled \(step.id.rawValue)")
            }
            let data = try JSONEncoder().encode(step)
            XCTAssertEqual(try JSONDecoder().decode(Step.self, from: data).id, step.id)
        }
        XCTAssertTrue(seen.keys.contains("create-node-pool-gpu") && seen.keys.contains("delete-node-pool-ray-gpu"), "\(seen.keys.sorted())")
        XCTAssertTrue(seen.keys.contains("delete-serviceaccount") && seen.keys.contains("enable-ray-monitoring"))
    }

    func testTheStringFormsAreTheJournalsAndUnknownOnesAreRefused() throws {
        XCTAssertEqual(StepID.createIAMServiceAccount.rawValue, "create-iam-sa")
        XCTAssertEqual(StepID.createNodePool(group: "gpu").rawValue, "create-node-pool-gpu")
        XCTAssertEqual(StepID.delete(.raycluster).rawValue, "delete-raycluster")
        XCTAssertEqual(StepID(rawValue: "delete-node-pool-ray-a100"), .deleteNodePool(pool: "ray-a100"))
        for unknown in ["", "wait-heads", "create-node-pool-", "delete-configmap", "Create-Cluster"] {
            XCTAssertNil(StepID(rawValue: unknown), unknown)
        }
        XCTAssertThrowsError(try JSONDecoder().decode(StepID.self, from: Data("\"wait-heads\"".utf8)))
    }
}
