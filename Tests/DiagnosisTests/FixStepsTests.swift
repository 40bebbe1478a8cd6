import Diagnosis
import SetupPlan
import XCTest

/// Every fix doctor takes from the plan names a step the plan for those answers has: each breakable link is broken
/// in turn for every kind of setup, and a fix naming a step the plans lack stops the test (FixCommands asserts).
final class FixStepsTests: XCTestCase {
    func testEveryFixNamesAStepOfThePlanForItsAnswers() async {
        await withTaskGroup(of: Void.self) { group in
            for setup in Self.setups {
                group.addTask { await Self.breakEachLink(of: setup) }
            }
        }
    }

    /// Every cluster mode x operator x identity, each in turn with a namespace of its own or `default`, a bucket
    /// created or found, a GPU worker group or none (so each of those meets every mode).
    private static var setups: [SetupFixture] {
        var setups: [SetupFixture] = []
        for mode in ClusterMode.allCases {
            for op in OperatorMode.allCases {
                for identity in IdentityMode.allCases {
                    let variants = [("default", true, false), ("ray", false, true)]
                    let (namespace, create, gpu) = variants[setups.count % variants.count]
                    setups.append(SetupFixture {
                        $0.cluster.mode = mode
                        $0.operator = op
                        $0.identity.mode = identity
                        $0.identity.namespace = namespace
                        $0.bucket.create = create
                        if gpu {
                            var group = WorkerGroup(name: "gpu")
                            group.gpu = WorkerGroup.GPU(type: "nvidia-l4")
                            $0.ray.workers.append(group)
                        }
                    })
                }
            }
        }
        return setups
    }

    /// One link broken, the answers it can break for, and whether its fix must then hold a command.
    private struct Breakage: Sendable {
        var link: CheckID
        var applies: @Sendable (Answers) -> Bool = { _ in true }
        var fixed: @Sendable (Answers) -> Bool = { _ in true }
        var breaking: @Sendable (inout SetupFixture) -> Void
    }

    private static let breakages: [Breakage] = [
        Breakage(link: .apis) { $0.services = [] },
        Breakage(link: .workloadPool) { $0.cluster["workloadIdentityConfig"] = nil },
        Breakage(link: .nodePools, applies: { !$0.isAutopilot }) {
            $0.cluster["nodePools"] = [["name": "default-pool", "config": ["workloadMetadataConfig": ["mode": "GCE_METADATA"]]]]
        },
        Breakage(link: .rayClusterKind, fixed: { $0.operator != .installed }) { $0.crdExists = false },
        // Kubernetes makes `default` itself; the plan creates only another namespace.
        Breakage(link: .namespace, fixed: { $0.identity.namespace != "default" }) { $0.namespaceExists = false },
        Breakage(link: .ksa) { $0.ksa = nil },
        Breakage(link: .rayCluster) { $0.rayCluster = nil },
        Breakage(link: .iamServiceAccount, applies: { $0.identity.mode == .iamServiceAccount }) { $0.serviceAccountExists = false },
        Breakage(link: .workloadIdentityBinding, applies: { $0.identity.mode == .iamServiceAccount }) {
            $0.serviceAccountPolicy = ["bindings": []]
        },
        Breakage(link: .annotation, applies: { $0.identity.mode == .iamServiceAccount }) {
            $0.ksa?["metadata"] = ["name": $0.answers.identity.kubernetesServiceAccount, "creationTimestamp": SetupFixture.ksaCreated]
        },
        // A bucket that should exist already (bucket.create false) is not the plan's to make.
        Breakage(link: .bucket, fixed: { $0.bucket.create }) { $0.bucket = nil },
        Breakage(link: .bucketRole) { $0.bucketPolicy = ["bindings": []] },
    ]

    private static func breakEachLink(of setup: SetupFixture) async {
        var existing = setup.answers
        existing.cluster.mode = .existing
        existing.cluster.location = setup.answers.clusterLocation
        existing.cluster.autopilot = setup.answers.isAutopilot
        let plans = [PlanBuilder.build(setup.answers, checkScript: ""), PlanBuilder.build(existing, checkScript: "")]
        // With the project number doctor read in place of its placeholder.
        let planned = Set(plans.flatMap(\.steps).map { $0.argv.map { Placeholder.substitute($0, [Placeholder.projectNumber: setup.number]) } })
        for breakage in breakages where breakage.applies(setup.answers) {
            var broken = setup
            breakage.breaking(&broken)
            let checks = await broken.diagnose()
            let context = "\(breakage.link) broken in \(AnswersFile.normalizedYAML(setup.answers))"
            guard let check = checks.first(where: { $0.id == breakage.link }) else {
                XCTFail("\(context): not decided (\(checks.map(\.id)))")
                continue
            }
            XCTAssertEqual(check.status, .broken, context)
            if breakage.fixed(setup.answers) {
                XCTAssertFalse(check.fix.isEmpty, "\(context): no fix")
                // The first command is the plan's own (the metadata switch aside: it names the pool it found).
                if breakage.link != .nodePools, let first = check.fix.first {
                    XCTAssertTrue(planned.contains(first), "\(context): \(first) is none of the plan's commands")
                }
            } else {
                XCTAssertEqual(check.fix, [], context)
            }
        }
    }
}
