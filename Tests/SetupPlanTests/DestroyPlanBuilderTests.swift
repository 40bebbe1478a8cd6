import Foundation
import SetupPlan
import WizardResources
import XCTest

/// What destroy removes and keeps, from what the setup journal says each step did.
final class DestroyPlanBuilderTests: XCTestCase {
    private func setup(_ change: (inout Answers) -> Void = { _ in }) -> Plan {
        var a = Answers()
        a.project = "demo-project"
        a.bucket.name = "my-bucket"
        change(&a)
        return PlanBuilder.build(a, checkScript: WizardResources.bucketProbeScript)
    }

    /// Every step of `plan` recorded as `record`, except those in `overrides`.
    private func records(_ plan: Plan, _ record: SetupRecord = .done, _ overrides: [StepID: SetupRecord] = [:]) -> [StepID: SetupRecord] {
        Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, overrides[$0.id] ?? record) })
    }

    private func ids(_ destroy: DestroyPlan) -> [String] { destroy.plan.steps.map(\.id.rawValue) }

    func testEverythingTheRunCreatedGoesInTheIssueOrderWithTheClusterLast() {
        let plan = setup {
            $0.operator = .helm
            $0.identity.namespace = "ray"
        }
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions(deleteBucket: true))
        XCTAssertEqual(ids(destroy), [
            "check-cluster-unused", "delete-raycluster", "wait-ray-pods-gone", "delete-secret", "uninstall-operator", "delete-serviceaccount",
            "delete-namespace", "unbind-workload-identity", "delete-iam-sa", "unbind-bucket-role", "delete-bucket",
            "delete-cluster", "wait-cluster-deleted",
        ])
        XCTAssertTrue(destroy.deletesBucket)
        // A repeated or resumed destroy sends no delete for what is gone: every delete is probed first.
        for step in destroy.plan.steps where step.kind == .delete {
            XCTAssertNotNil(step.probe, step.id.rawValue)
        }
        XCTAssertEqual(destroy.plan.step(.deleteCluster)?.argv.suffix(2), ["--quiet", "--async"])
        XCTAssertEqual(destroy.plan.step(.waitRayPodsGone)?.argv.contains("ray.io/cluster=raycluster-mini"), true,
                       "every pod of the Ray cluster, head and workers")
    }

    /// The token Secret the plan made for an operator without authOptions goes even when the run stopped before the
    /// RayCluster; with the RayCluster it goes once, after the Ray pods.
    func testThePlansTokenSecretGoesOnceAndAlsoWithoutTheRayCluster() {
        let plan = setup()
        let stoppedEarly = DestroyPlanBuilder.build(setup: plan, records: records(plan, .notRun, [
            .createIAMServiceAccount: .done, .createCluster: .done, .getCredentials: .done, .createKSA: .done, .createAuthSecret: .done,
        ]), options: DestroyOptions())
        XCTAssertTrue(ids(stoppedEarly).contains("delete-secret"), "\(ids(stoppedEarly))")
        let both = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        XCTAssertEqual(ids(both).filter { $0 == "delete-secret" }.count, 1, "\(ids(both))")
        XCTAssertLessThan(ids(both).firstIndex(of: "wait-ray-pods-gone") ?? .max, ids(both).firstIndex(of: "delete-secret") ?? -1,
                          "after the pods that read it")
    }

    func testTheBucketStaysUnlessAskedAndIsSaidToHoldData() {
        let plan = setup()
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        XCTAssertFalse(ids(destroy).contains("delete-bucket"))
        XCTAssertTrue(ids(destroy).contains("unbind-bucket-role"), "the binding the run added goes even though the bucket stays")
        XCTAssertFalse(destroy.deletesBucket)
        XCTAssertTrue(destroy.kept.contains { $0.subject.contains("gs://my-bucket") && $0.why.contains("--delete-bucket") }, "\(destroy.kept)")
    }

    func testWhatTheRunFoundIsKeptAndOnlyItsBindingsAndObjectsGo() {
        let plan = setup {
            $0.cluster.mode = .existing
            $0.bucket.create = false
        }
        let found: [StepID: SetupRecord] = [.createKSA: .found, .createIAMServiceAccount: .found]
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan, .done, found), options: DestroyOptions(deleteBucket: true))
        XCTAssertEqual(ids(destroy), ["delete-raycluster", "wait-ray-pods-gone", "delete-secret", "unbind-workload-identity", "unbind-bucket-role"])
        let kept = destroy.kept.map(\.subject)
        for subject in ["The GKE cluster cloud-bucket-cluster", "The Kubernetes service account my-ksa",
                        "The IAM service account my-iam-sa@demo-project.iam.gserviceaccount.com", "The bucket gs://my-bucket",
                        "Enable Workload Identity on the cluster", "Enable the GKE Ray operator add-on"] {
            XCTAssertTrue(kept.contains(subject), "\(subject) not listed as kept: \(kept)")
        }
        XCTAssertFalse(destroy.deletesBucket, "an existing bucket is never deleted, --delete-bucket or not")
    }

    func testAGPUNodePoolGoesWithTheClusterItsDeletionNamesItAndItIsNotKept() {
        let gpu = { (a: inout Answers) in
            a.ray.workers.append(WorkerGroup(name: "gpu"))
            a.ray.workers[1].gpu = .init(type: "nvidia-l4")
        }
        let plan = setup(gpu)
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        XCTAssertFalse(ids(destroy).contains("delete-node-pool-ray-gpu"), "the cluster's deletion takes it")
        XCTAssertEqual(destroy.plan.step(.deleteCluster)?.title, "Delete the GKE cluster cloud-bucket-cluster with its node pool ray-gpu")
        XCTAssertFalse(destroy.kept.contains { $0.subject.contains("ray-gpu") }, "\(destroy.kept)")
        let text = DestroyPlanText.render(destroy)
        XCTAssertTrue(text.contains("Delete the GKE cluster cloud-bucket-cluster with its node pool ray-gpu"), text)
        XCTAssertFalse(text.split(separator: "\n").drop { $0 != "Kept:" }.contains { $0.contains("ray-gpu") }, text)

        // On a cluster that stays, the pool the run added is deleted by itself.
        let existing = setup {
            gpu(&$0)
            $0.cluster.mode = .existing
        }
        let kept = DestroyPlanBuilder.build(setup: existing, records: records(existing), options: DestroyOptions())
        XCTAssertTrue(ids(kept).contains("delete-node-pool-ray-gpu"), "\(ids(kept))")
    }

    func testForceLeavesOutTheWorkloadCheck() {
        let plan = setup()
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions(force: true))
        XCTAssertFalse(ids(destroy).contains(StepID.checkClusterUnused.rawValue))
        XCTAssertEqual(ids(destroy).last, "wait-cluster-deleted")
    }

    func testTheDirectPrincipalsProjectNumberIsReadFirst() {
        let plan = setup { $0.identity.mode = .direct }
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        XCTAssertEqual(ids(destroy).first, "read-project-number")
        XCTAssertEqual(destroy.plan.step(.unbindBucketRole)?.placeholders, [Placeholder.projectNumber])
    }

    func testAnInterruptedCreateIsDeletedIfThereAndWhatNeverRanIsNotTouched() {
        let plan = setup()
        var recorded = records(plan, .notRun)
        for id: StepID in [.enableAPIs, .createCluster] { recorded[id] = .done }
        recorded[.waitCluster] = .attempted
        var destroy = DestroyPlanBuilder.build(setup: plan, records: recorded, options: DestroyOptions())
        XCTAssertEqual(ids(destroy), ["check-cluster-unused", "delete-cluster", "wait-cluster-deleted"])

        recorded[.createCluster] = .attempted
        destroy = DestroyPlanBuilder.build(setup: plan, records: recorded, options: DestroyOptions())
        XCTAssertTrue(ids(destroy).contains("delete-cluster"), "a create that was killed may have made the cluster")

        destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan, .notRun), options: DestroyOptions())
        XCTAssertEqual(ids(destroy), [])
        XCTAssertTrue(DestroyPlanText.render(destroy).contains("Nothing to delete"))
    }

    func testTheGoneProbesAcceptWhatGcloudAndKubectlPrintWhenTheThingIsGone() throws {
        let plan = setup()
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        let member = "serviceAccount:my-iam-sa@demo-project.iam.gserviceaccount.com"
        let binding = try XCTUnwrap(destroy.plan.step(.unbindBucketRole)?.probe)
        XCTAssertFalse(binding.expect.accepts("roles/storage.legacyBucketOwner projectOwner:demo-project\nroles/storage.objectUser \(member)\n"))
        XCTAssertTrue(binding.expect.accepts("roles/storage.legacyBucketOwner projectOwner:demo-project\n"))
        let raycluster = try XCTUnwrap(destroy.plan.step(.delete(.raycluster))?.probe)
        XCTAssertFalse(raycluster.expect.accepts("raycluster.ray.io/raycluster-mini\n"))
        XCTAssertTrue(raycluster.expect.accepts("\n"))
    }

    func testThePreviewListsDeletionsInThePlanFormatAndWhatIsKept() {
        let plan = setup()
        let destroy = DestroyPlanBuilder.build(setup: plan, records: records(plan), options: DestroyOptions())
        let text = DestroyPlanText.render(destroy)
        XCTAssertTrue(text.hasPrefix("Destroy plan for project demo-project: 7 deletions, 10 steps\n"), text)
        XCTAssertTrue(text.contains("$ gcloud container clusters delete cloud-bucket-cluster --project demo-project --location us-west1-b --quiet --async\n"), text)
        XCTAssertTrue(text.contains("\n  - The bucket gs://my-bucket and every object in it: it holds your data;"), text)
        let json = DestroyPlanJSON.render(destroy)
        XCTAssertTrue(json.contains("\"bucketContents\" : null"), json)
        XCTAssertTrue(json.contains("\"kind\" : \"delete\""), json)
    }
}
