import SetupPlan
import XCTest

/// `ray.workers` and the options around it: the file, `--set`, validation, the normalized file and the plan.
final class WorkerGroupAnswersTests: XCTestCase {
    static let required = "project: demo-project\nbucket:\n  name: my-bucket\n"

    func errors(_ yaml: String, _ overrides: [String] = []) -> [String] {
        do {
            _ = try AnswersFile.load(yaml: Self.required + yaml, overrides: overrides)
            XCTFail("expected errors")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    func testTheDefaultIsOneSmallCPUGroupThatAutoscales() throws {
        let answers = try AnswersFile.load(yaml: Self.required)
        XCTAssertTrue(answers.ray.autoscaling)
        XCTAssertEqual(answers.ray.workers, [WorkerGroup(name: "workers")])
        let group = try XCTUnwrap(answers.ray.workers.first)
        XCTAssertEqual([group.replicas, group.minReplicas, group.maxReplicas], [1, 0, 3])
        XCTAssertEqual([group.cpu, group.memory], ["1", "2Gi"])
        XCTAssertNil(group.gpu)
        XCTAssertEqual(answers.ray.version, RayVersions.default)
        XCTAssertTrue(RayVersions.knownGood.contains(RayVersions.default))
    }

    func testAListOfGroupsWithAGPUReadsAndNormalizesBack() throws {
        let yaml = Self.required + """
            ray:
              autoscaling: false
              workers:
                - name: cpu
                  replicas: 2
                  maxReplicas: 4
                - name: gpu
                  cpu: "4"
                  memory: 16Gi
                  gpu: {type: nvidia-l4, count: 2}
            """
        let answers = try AnswersFile.load(yaml: yaml)
        XCTAssertFalse(answers.ray.autoscaling)
        XCTAssertEqual(answers.ray.workers.map(\.name), ["cpu", "gpu"])
        XCTAssertEqual(answers.ray.workers[0].replicas, 2)
        XCTAssertEqual(answers.ray.workers[0].maxReplicas, 4)
        XCTAssertEqual(answers.ray.workers[1].gpu, WorkerGroup.GPU(type: "nvidia-l4", count: 2))
        let normalized = AnswersFile.normalizedYAML(answers)
        XCTAssertTrue(normalized.contains("""
              autoscaling: false
              workers:
              - name: cpu
                replicas: 2
                minReplicas: 0
                maxReplicas: 4
                cpu: "1"
                memory: 2Gi
              - name: gpu
            """), normalized)
        XCTAssertTrue(normalized.contains("    gpu:\n      type: nvidia-l4\n      count: 2\n"), normalized)
        let reread = try AnswersFile.load(yaml: normalized)
        XCTAssertEqual(reread.ray.workers, answers.ray.workers)
        XCTAssertEqual(reread.ray.autoscaling, answers.ray.autoscaling)
        XCTAssertEqual(try AnswersFile.load(yaml: Self.required + "ray:\n  workers: []\n").ray.workers, [])
    }

    func testEveryGroupProblemIsNamedByItsKeyAtOnce() {
        let found = errors("""
            ray:
              workers:
                - name: Big_Group
                  replicas: 5
                  minReplicas: 6
                  maxReplicas: 4
                  cpu: lots
                - name: gpu
                  gpu: {type: nvidia-l5}
                - name: gpu
                  colour: red
                  gpu: {type: nvidia-tesla-t4, count: 3}
                - replicas: 1
                - just-a-string
            """)
        XCTAssertEqual(found, [
            #"ray.workers[1].gpu.type "nvidia-l5": GPU types are nvidia-tesla-t4, nvidia-l4, nvidia-tesla-a100, nvidia-a100-80gb, nvidia-h100-80gb (or none); each GPU type is offered only in some zones (gcloud compute accelerator-types list --filter=zone:ZONE) (line 12, column 19)"#,
            "ray.workers[2].colour: unknown key (line 14, column 7); known keys here: name, replicas, minReplicas, maxReplicas, cpu, memory, gpu",
            "ray.workers[4]: must be a mapping with keys name, replicas, minReplicas, maxReplicas, cpu, memory, gpu (line 17, column 7)",
            #"ray.workers[0].name "Big_Group": worker group names are 1-36 lowercase letters, digits and hyphens, start with a letter, do not end with a hyphen and are not headgroup (a GPU group's node pool is ray-NAME)"#,
            #"ray.workers[0].cpu "lots": CPU is a positive Kubernetes quantity, e.g. 1, 0.5 or 500m"#,
            "ray.workers[3].name: is required",
            #"ray.workers[0].minReplicas "6": must be at most ray.workers[0].replicas (5)"#,
            #"ray.workers[0].maxReplicas "4": must be at least ray.workers[0].replicas (5)"#,
            #"ray.workers[2].name "gpu": another worker group has this name; names must be unique"#,
            #"ray.workers[2].gpu.count "3": nvidia-tesla-t4 comes 1, 2, 4 per node"#,
        ])
    }

    func testSetEditsAddsAndRemovesGroups() throws {
        let base = ["project=demo-project", "bucket.name=my-bucket"]
        let added = try AnswersFile.load(yaml: "", overrides: base + [
            "ray.workers[1].name=gpu", "ray.workers[1].gpu.type=nvidia-a100-80gb", "ray.workers[0].replicas=2", "ray.workers[2].cpu=2",
        ])
        XCTAssertEqual(added.ray.workers.map(\.name), ["workers", "gpu", "workers-3"])
        XCTAssertEqual(added.ray.workers[0].replicas, 2)
        XCTAssertEqual(added.ray.workers[1].gpu, WorkerGroup.GPU(type: "nvidia-a100-80gb", count: 1))
        XCTAssertEqual(added.ray.workers[2].cpu, "2")

        let removed = try AnswersFile.load(yaml: "", overrides: base + ["ray.workers[1].gpu.type=nvidia-l4", "ray.workers[0]=remove"])
        XCTAssertEqual(removed.ray.workers.map(\.name), ["workers-2"])
        let noGPU = try AnswersFile.load(yaml: "", overrides: base + ["ray.workers[0].gpu.type=nvidia-l4", "ray.workers[0].gpu.type=none"])
        XCTAssertNil(noGPU.ray.workers[0].gpu)
        XCTAssertEqual(try AnswersFile.load(yaml: "", overrides: base + ["ray.workers=none"]).ray.workers, [])

        do {
            _ = try AnswersFile.load(yaml: "", overrides: base + ["ray.workers[3].cpu=2", "ray.workers[0].colour=red", "ray.workers[0].replicas=two"])
            XCTFail("expected errors")
        } catch {
            XCTAssertEqual(error.errors.map(\.description), [
                "ray.workers[3].cpu: (--set) there are 1 worker groups; add the next one as ray.workers[1]",
                "ray.workers[0].colour: (--set) unknown key; a worker group's keys: name, replicas, minReplicas, maxReplicas, cpu, memory, gpu.type, gpu.count",
                #"ray.workers[0].replicas "two": must be a whole number, 0 or more"#,
            ])
        }
    }

    func testAutopilotMinimumsAndAddOnOptionsNeedTheirMode() {
        XCTAssertEqual(errors("cluster:\n  mode: create-autopilot\nray:\n  workers:\n    - name: small\n      cpu: 100m\n      memory: 512Mi\n"), [
            #"ray.workers[0].cpu "100m": Autopilot needs at least 250m CPU per pod"#,
            #"ray.workers[0].memory "512Mi": a Ray worker needs at least 1Gi (it is killed for lack of memory below that)"#,
        ])
        XCTAssertEqual(errors("operator: helm\ncluster:\n  rayClusterLogging: true\n"), [
            #"cluster.rayClusterLogging "true": only used with operator gke-addon (an option of GKE's Ray add-on); remove it or switch the operator"#,
        ])
    }

    func testGPUGroupsGetANodePoolOnStandardOnly() throws {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        var gpu = WorkerGroup(name: "gpu")
        gpu.gpu = WorkerGroup.GPU(type: "nvidia-tesla-t4", count: 2)
        gpu.maxReplicas = 5
        answers.ray.workers.append(gpu)
        answers.cluster.rayClusterLogging = true
        for mode in ClusterMode.allCases {
            answers.cluster.mode = mode
            let plan = PlanBuilder.build(answers, checkScript: "")
            let pool = plan.step(.createNodePool(group: "gpu"))
            if mode == .createAutopilot {
                XCTAssertNil(pool, "Autopilot provisions GPU nodes itself")
                XCTAssertTrue(plan.step(.createCluster)?.argv.contains("--enable-ray-cluster-logging") ?? false)
                continue
            }
            let argv = try XCTUnwrap(pool?.argv, "\(mode)")
            XCTAssertEqual(Array(argv.prefix(5)), ["gcloud", "container", "node-pools", "create", "ray-gpu"])
            for pair in [["--machine-type", "n1-standard-16"], ["--accelerator", "type=nvidia-tesla-t4,count=2,gpu-driver-version=latest"],
                         ["--workload-metadata", "GKE_METADATA"], ["--min-nodes", "0"], ["--max-nodes", "5"], ["--location", answers.clusterLocation]] {
                XCTAssertNotNil(argv.indices.first { argv[$0] == pair[0] && argv.indices.contains($0 + 1) && argv[$0 + 1] == pair[1] }, "\(pair) in \(argv)")
            }
            XCTAssertTrue(argv.contains("--enable-autoscaling"))
            XCTAssertEqual(pool?.probe?.expect, .equals("ray-gpu"))
            XCTAssertEqual(Array(pool?.probe?.argv.prefix(5) ?? []), ["gcloud", "container", "node-pools", "describe", "ray-gpu"])
            XCTAssertEqual(pool?.kind, .create)
            // The pool comes before the pods that need it.
            let ids = plan.steps.map(\.id.rawValue)
            XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: "create-node-pool-gpu")), try XCTUnwrap(ids.firstIndex(of: "apply-raycluster")))
            if mode == .existing {
                XCTAssertEqual(plan.step(.enableRayLogging)?.argv.suffix(1), ["--enable-ray-cluster-logging"])
                XCTAssertNil(plan.step(.enableRayMonitoring))
            } else {
                XCTAssertTrue(plan.step(.createCluster)?.argv.contains("--enable-ray-cluster-logging") ?? false)
            }
        }
    }

    func testTheWaitCoversWorkersThatAlwaysRun() {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        XCTAssertNil(PlanBuilder.build(answers, checkScript: "").step(.waitWorkers), "min 0: the autoscaler starts them")
        XCTAssertTrue(PlanBuilder.build(answers, checkScript: "").step(.waitHead)?.why.contains("autoscaler starts the pods of worker group workers") ?? false)
        answers.ray.workers[0].minReplicas = 1
        let selector = PlanBuilder.build(answers, checkScript: "").step(.waitWorkers)?.argv
        XCTAssertTrue(selector?.contains("ray.io/cluster=raycluster-mini,ray.io/node-type=worker,ray.io/group in (workers)") ?? false, "\(selector ?? [])")
        answers.ray.workers[0].minReplicas = 0
        answers.ray.autoscaling = false
        XCTAssertNotNil(PlanBuilder.build(answers, checkScript: "").step(.waitWorkers), "without autoscaling the replicas stay")
    }
}
