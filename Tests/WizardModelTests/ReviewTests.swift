import XCTest
import Cells
import Diagnosis
import SetupPlan
import RunModel
@testable import WizardModel

final class ReviewTests: XCTestCase {
    private func reviewStore(_ answers: Answers = Fixtures.answers, journal: JournalSummary? = nil) -> TestStore {
        var state = Fixtures.state(answers, journal: journal)
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        store.send(.key(.enter), effects: [.startPreflight(answers)]) {
            $0.screen = .review
            $0.review = ReviewState(plan: Fixtures.plan(answers), width: 76)
            $0.review?.preflight = PreflightProgress(answers: answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        }
        store.send(.preflightFinished(answers, Self.passing, waitsForAPIs: false)) {
            $0.review?.preflight?.list.finish(Self.passing)
            $0.review?.preflight?.phase = .finished(waitsForAPIs: false)
        }
        return store
    }

    static let passing = [Check(id: .billing, title: "Billing", status: .ok), Check(id: .gpuQuota, title: "GPU quota in us-west1", status: .ok)]

    func testTheVerdictCountsWhatHoldsAndWhatWarns() {
        var preflight = PreflightProgress(answers: Fixtures.answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        preflight.list.finish([Check(id: .billing, title: "Billing", status: .ok),
                               Check(id: .gpuQuota, title: "GPU quota in us-west1", status: .warning),
                               Check(id: .cpuQuota, title: "CPU quota in us-west1", status: .warning)])
        preflight.phase = .finished(waitsForAPIs: true)
        XCTAssertEqual(preflight.verdict, .passed(holding: 1, warnings: 2, checkedAgain: true))
        preflight.list.finish([Check(id: .gpuQuota, title: "GPU quota in us-west1", status: .broken),
                               Check(id: .cpuQuota, title: "CPU quota in us-west1", status: .broken)])
        XCTAssertEqual(preflight.verdict, .stops(first: "GPU quota in us-west1", more: 1))
    }

    func testTabsShowTheCommandsTheManifestAndTheScript() throws {
        let store = reviewStore()
        let review = try XCTUnwrap(store.state.review)
        XCTAssertTrue(review.panes[.commands]?.source.first?.hasPrefix("Plan for project my-project") == true)
        XCTAssertFalse(review.panes[.commands]?.source.contains { $0.contains("--- raycluster.yaml ---") } ?? true)
        XCTAssertTrue(review.panes[.manifest]?.source.contains("apiVersion: ray.io/v1") == true)
        XCTAssertEqual(review.panes[.script]?.source.first, "#!/usr/bin/env bash")
        store.send(.key(.right)) { $0.review?.tab = .manifest }
        store.send(.key(.right)) { $0.review?.tab = .script }
        store.send(.key(.right)) { $0.review?.tab = .checks }
        store.send(.key(.right)) { $0.review?.tab = .commands }
        store.send(.key(.left)) { $0.review?.tab = .checks }
        store.send(.key(.char("3"))) { $0.review?.tab = .script }
        store.send(.key(.char("2"))) { $0.review?.tab = .manifest }
        store.send(.key(.char("1"))) { $0.review?.tab = .commands }
    }

    func testTheManifestTabShowsTheNetworkPolicyWithTheAnswer() throws {
        var answers = Fixtures.answers
        answers.ray.networkPolicy = true
        let review = ReviewState(plan: Fixtures.plan(answers), width: 76)
        let manifest = try XCTUnwrap(review.panes[.manifest]?.source)
        let heading = try XCTUnwrap(manifest.firstIndex(of: "--- networkpolicy.yaml ---"), "\(manifest)")
        XCTAssertLessThan(try XCTUnwrap(manifest.firstIndex(of: "kind: RayCluster")), heading)
        XCTAssertTrue(manifest[heading...].contains("kind: NetworkPolicy"))
        XCTAssertFalse(review.panes[.commands]?.source.contains { $0.contains("kind: NetworkPolicy") } ?? true)
        XCTAssertFalse(ReviewState(plan: Fixtures.plan(Fixtures.answers), width: 76).panes[.manifest]?.source
            .contains("--- networkpolicy.yaml ---") ?? true)
    }

    func testEachTabScrollsAndKeepsItsPlace() throws {
        let store = reviewStore()
        let rows = Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows).rows
        let count = try XCTUnwrap(store.state.review?.pane.lines.count)
        XCTAssertGreaterThan(count, rows)
        store.send(.key(.down)) { $0.review?.pane.scroll(by: 1, rows: rows) }
        XCTAssertEqual(store.state.review?.pane.offset, 1)
        store.send(.key(.pageDown)) { $0.review?.pane.scroll(by: rows - 1, rows: rows) }
        XCTAssertEqual(store.state.review?.pane.offset, rows)
        store.send(.key(.up)) { $0.review?.pane.scroll(by: -1, rows: rows) }
        store.send(.key(.pageUp)) { $0.review?.pane.scrollToTop() }
        store.send(.key(.end)) { $0.review?.pane.scrollToBottom(rows: rows) }
        XCTAssertEqual(store.state.review?.pane.offset, count - rows)
        store.send(.key(.down))  // already at the bottom
        store.send(.key(.char("3"))) { $0.review?.tab = .script }
        XCTAssertEqual(store.state.review?.pane.offset, 0, "each tab has its own position")
        store.send(.key(.char("1"))) { $0.review?.tab = .commands }
        XCTAssertEqual(store.state.review?.pane.offset, count - rows)
        store.send(.key(.home)) { $0.review?.pane.scrollToTop() }
        XCTAssertEqual(store.state.review?.pane.offset, 0)
    }

    func testOneSummaryLinePerWorkerGroupAndWhereTheBucketIsMounted() throws {
        var answers = Fixtures.answers
        answers.bucket.mount = true
        answers.bucket.mountPath = "/mnt/data"
        answers.ray.workers = (1...8).map { WorkerGroup(name: "group-\($0)") }
        answers.ray.workers[1].gpu = .init(type: "nvidia-l4")
        let review = ReviewState(plan: Fixtures.plan(answers), width: 76)
        let wide = review.summary(fitting: Size(columns: 120, rows: 40))
        XCTAssertEqual(wide.map(\.label), ["Project", "Cluster", "Operator", "Identity", "Bucket", "", "Ray", "Workers"]
                       + Array(repeating: "", count: 7))
        XCTAssertEqual(wide[5].value, "mounted at /mnt/data in every Ray container")
        XCTAssertEqual(wide[7].value, "group-1 1 (0-3 autoscaled) x 1 CPU/2Gi")
        XCTAssertEqual(wide[8].value, "group-2 1 (0-3 autoscaled) x 1 CPU/2Gi + 1 nvidia-l4 (node pool ray-group-2)")

        // At 80x24 the preview keeps three rows: the groups that do not fit are counted on the last line.
        let small = review.summary(fitting: .minimum)
        XCTAssertEqual(small.count, 12)
        XCTAssertEqual(small.last?.value, "and more groups: the Commands tab lists every one")
        XCTAssertEqual(review.paneGeometry(.minimum).rows, 3)
        XCTAssertTrue(small.allSatisfy { $0.value.count <= Layout.reviewSummaryWidth(.minimum) }, "\(small)")

        answers.ray.autoscaling = false
        answers.bucket.mount = false
        let fixed = ReviewState(plan: Fixtures.plan(answers), width: 76).summary(fitting: Size(columns: 120, rows: 40))
        XCTAssertEqual(fixed.map(\.label).prefix(7), ["Project", "Cluster", "Operator", "Identity", "Bucket", "Ray", "Workers"])
        XCTAssertEqual(fixed[6].value, "group-1 1 x 1 CPU/2Gi", "without the autoscaler a group keeps its replicas")
    }

    func testResizeRewrapsThePreview() throws {
        let store = reviewStore()
        let narrow = try XCTUnwrap(store.state.review?.pane.lines.count)
        store.send(.resize(Size(columns: 120, rows: 40))) {
            $0.size = Size(columns: 120, rows: 40)
            $0.review?.panes[.commands]?.rewrap(width: 116)
            $0.review?.preflight?.list.fit(Layout.reviewPane(Size(columns: 120, rows: 40), summaryRows: Layout.reviewSummaryRows))
        }
        XCTAssertEqual(store.state.review?.panes[.manifest]?.width, 76, "tabs not on screen wait")
        store.send(.key(.char("2"))) {
            $0.review?.tab = .manifest
            $0.review?.panes[.manifest]?.rewrap(width: 116)
        }
        store.send(.key(.char("1"))) { $0.review?.tab = .commands }
        XCTAssertLessThan(try XCTUnwrap(store.state.review?.pane.lines.count), narrow)
        XCTAssertTrue(store.state.review?.pane.lines.allSatisfy { $0.count <= 116 } ?? false)
    }

    func testRunStartsAFreshRunOfExactlyThePreviewedPlan() {
        let store = reviewStore()
        let plan = Fixtures.plan()
        store.send(.key(.enter), effects: [.startRun(plan, mode: .fresh, skipping: [])]) {
            $0.run = RunProgress(plan: plan, mode: .fresh, startedAt: Fixtures.t0)
            $0.screen = .run
        }
    }

    func testSaveWritesTheFilesThenQuits() {
        let store = reviewStore()
        store.send(.key(.tab)) { $0.actionFocus = 1 }
        store.send(.key(.enter), effects: [.writeFiles(Fixtures.plan())]) { $0.message = "Writing the files…" }
        store.send(.filesWritten(error: "permission denied")) { $0.message = "Could not write the files: permission denied" }
        store.send(.key(.char("s")), effects: [.writeFiles(Fixtures.plan())]) { $0.message = "Writing the files…" }
        store.send(.filesWritten(error: nil), effects: [.quit(0, message: """
            Wrote answers.yaml, raycluster.yaml, raycluster-auth-manual.yaml, rayjob.yaml, rayjob-own-cluster.yaml and setup.sh to kuberay-gcs-setup.
            Run them later with:
              kuberay-gcs-wizard apply --answers kuberay-gcs-setup/answers.yaml --workspace kuberay-gcs-setup
            """)]) {
            $0.message = nil
        }
    }

    func testBackToEditKeepsAnswersAndTheReviewIsNotRebuiltWhenNothingChanged() {
        let store = reviewStore()
        store.send(.key(.escape)) { $0.screen = .page(WizardPage.all.count - 1) }
        store.send(.key(.enter)) { $0.screen = .review }
        store.send(.key(.backTab)) { $0.actionFocus = 2 }
        store.send(.key(.enter)) { $0.screen = .page(WizardPage.all.count - 1) }
        store.send(.key(.enter)) { $0.screen = .review; $0.actionFocus = 0 }
    }

    func testRunModeFollowsTheJournal() {
        let plan = Fixtures.plan()
        let rows = plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .done) }
        var state = Fixtures.state(Fixtures.answers)
        XCTAssertEqual(state.runMode(for: Fixtures.answers), .fresh, "no journal")
        state.journal = JournalSummary(answers: Fixtures.answers, steps: rows, result: .succeeded)
        XCTAssertEqual(state.runMode(for: Fixtures.answers), .fresh, "a finished run is probed again")
        var failed = rows
        failed[4].status = .failed
        state.journal = JournalSummary(answers: Fixtures.answers, steps: failed, result: .failed)
        XCTAssertEqual(state.runMode(for: Fixtures.answers), .resume, "the same answers continue")
        var changed = Fixtures.answers
        changed.ray.headCPU = "2"
        XCTAssertEqual(state.runMode(for: changed), .replan, "changed answers keep complete steps")
    }

    // MARK: Preflight

    func testTheChecklistFillsInAndRunIsRefusedWhileAChecksFailsWithTheFixOnScreen() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        let answers = Fixtures.answers
        store.send(.key(.enter), effects: [.startPreflight(answers)]) {
            $0.screen = .review
            $0.review = ReviewState(plan: Fixtures.plan(), width: 76)
            $0.review?.preflight = PreflightProgress(answers: answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        }
        store.send(.key(.char("r"))) { $0.message = "Run waits for preflight's checks (the line under the title counts them)." }
        let billing = Check(id: .billing, title: "Billing", status: .ok, evidence: ["my-project is billed to billingAccounts/0A1B2C"])
        let quota = Check(id: .gpuQuota, title: "GPU quota in us-west1", status: .broken,
                          evidence: ["NVIDIA_L4_GPUS in us-west1: 0 free (limit 0, used 0); the plan needs 1 to 3"],
                          advice: "Request more NVIDIA_L4_GPUS in us-west1")
        store.send(.preflightChecked(answers, billing)) { $0.review?.preflight?.list.append(billing) }
        XCTAssertEqual(store.state.review?.preflight?.verdict, .checking(done: 1))
        // A result for other answers (edited since) is dropped.
        var other = answers
        other.zone = "us-central1-a"
        store.send(.preflightChecked(other, quota))
        store.send(.preflightChecked(answers, quota)) { $0.review?.preflight?.list.append(quota) }
        store.send(.preflightFinished(answers, [billing, quota], waitsForAPIs: false)) {
            // The ✗ first: its fix is what the pane opens on.
            $0.review?.preflight?.list.finish([quota, billing])
            $0.review?.preflight?.phase = .finished(waitsForAPIs: false)
            $0.review?.tab = .checks
            $0.message = nil
        }
        XCTAssertEqual(store.state.review?.preflight?.verdict, .stops(first: "GPU quota in us-west1", more: 0))
        store.send(.key(.char("1"))) { $0.review?.tab = .commands }
        store.send(.key(.char("r"))) {
            $0.review?.tab = .checks
            $0.review?.preflight?.list.scrollToTop()
            $0.message = "Run is refused while a check fails (its fix is above); e edits the answers."
        }
        XCTAssertEqual(store.state.screen, .review, "no run started")
        // Edit is one key away; changed answers are a new plan, checked again.
        store.send(.key(.char("e"))) {
            $0.screen = .page(WizardPage.all.count - 1)
            $0.message = nil
        }
        // The same answers again: a ✗ is not kept (the quota may have been granted meanwhile), so Review reads anew.
        store.send(.key(.enter), effects: [.startPreflight(answers)]) {
            $0.screen = .review
            $0.review?.preflight = PreflightProgress(answers: answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        }
        store.send(.preflightFinished(answers, [billing], waitsForAPIs: false)) {
            $0.review?.preflight?.list.finish([billing])
            $0.review?.preflight?.phase = .finished(waitsForAPIs: false)
        }
        // Checks that passed are kept: back and forth reads nothing again.
        store.send(.key(.escape)) { $0.screen = .page(WizardPage.all.count - 1) }
        store.send(.key(.enter)) { $0.screen = .review }
    }

    func testAnEarlierRunThatCreatedThingsIsNotCheckedAgain() {
        let plan = Fixtures.plan()
        var rows = plan.steps.map { StepRow(id: $0.id, title: $0.title, status: .pending) }
        let created = plan.changingStepIndices[0]
        for index in 0...created { rows[index].status = .done }
        var state = Fixtures.state(Fixtures.answers, journal: JournalSummary(answers: Fixtures.answers, steps: rows, result: .failed))
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        store.send(.key(.enter)) {
            $0.screen = .review
            $0.review = ReviewState(plan: plan, width: 76)
            $0.review?.preflight = PreflightProgress(answers: Fixtures.answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows),
                                                     phase: .notRun("an earlier run may have created things already"))
        }
        XCTAssertEqual(store.state.review?.preflight?.verdict, .notRun(reason: "an earlier run may have created things already"))
    }
}
