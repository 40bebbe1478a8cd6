import Cells
import Diagnosis
import SetupPlan
import WizardModel
import XCTest

/// Welcome's "check an existing setup" and doctor's live checklist screen.
final class DoctorScreenTests: XCTestCase {
    private let ok = Check(id: .gcloud, title: "gcloud account and project", status: .ok, evidence: ["account a@example.com"])
    private let broken = Check(id: .workloadIdentityBinding, title: "roles/iam.workloadIdentityUser on the IAM service account", status: .broken,
                               evidence: ["granted to nobody"], fix: [["gcloud", "iam", "service-accounts", "add-iam-policy-binding", "x"]])

    func testWithoutTheSetupsAnswersThePagesAskThemAndTheLastOneChecks() {
        let store = TestStore(Fixtures.state())
        store.send(.key(.char("c"))) {
            $0.screen = .page(0)
            $0.checksAfterPages = true
        }
        store.send(.key(.escape)) {
            $0.screen = .welcome
            $0.checksAfterPages = false
        }

        var named = Fixtures.state(Fixtures.answers)
        named.screen = .page(WizardPage.all.count - 1)
        named.checksAfterPages = true
        let last = TestStore(named)
        last.send(.key(.enter), effects: [.startDoctor(Fixtures.answers)]) {
            $0.screen = .doctor
            $0.doctor = DoctorProgress(pane: Layout.doctorPane(Size.minimum))
            $0.checksAfterPages = false
        }
    }

    func testChecklistGrowsAsChecksArriveThenEscGoesBack() {
        let store = TestStore(Fixtures.state(Fixtures.answers))
        let pane = Layout.doctorPane(Size.minimum)
        store.send(.key(.char("c")), effects: [.startDoctor(Fixtures.answers)]) {
            $0.screen = .doctor
            $0.doctor = DoctorProgress(pane: pane)
        }
        // While it reads, Esc does not leave: the checks still coming would be lost.
        store.send(.key(.escape))
        store.send(.doctorChecked(ok)) { $0.doctor?.append(self.ok) }
        XCTAssertEqual(store.state.doctor?.rows.first?.text, "gcloud account and project")
        XCTAssertEqual(store.state.doctor?.rows.first?.kind, .check(.ok, first: true))
        store.send(.doctorChecked(broken)) { $0.doctor?.append(self.broken) }
        XCTAssertEqual(store.state.doctor?.rows.last?.kind, .fix)
        XCTAssertNil(store.state.doctor?.summary)
        store.send(.doctorFinished([ok, broken])) { $0.doctor?.finish([self.ok, self.broken]) }
        XCTAssertEqual(store.state.doctor?.healthy, false)
        XCTAssertEqual(store.state.doctor?.summary, "Broken: roles/iam.workloadIdentityUser on the IAM service account")
        store.send(.key(.escape)) { $0.screen = .welcome }
    }

    func testScrollingStaysInsideTheChecklistAndStopsFollowing() {
        var state = Fixtures.state(Fixtures.answers)
        _ = update(&state, .key(.char("c")))
        for i in 0..<30 {
            _ = update(&state, .doctorChecked(Check(id: .pod("p\(i)"), title: "check \(i)", status: .ok, evidence: ["evidence \(i)"])))
        }
        let rows = state.doctor?.rows.count ?? 0
        let pane = Layout.doctorPane(state.size).rows
        XCTAssertEqual(state.doctor?.offset, rows - pane, "follows the newest check")
        _ = update(&state, .key(.home))
        XCTAssertEqual(state.doctor?.offset, 0)
        _ = update(&state, .doctorChecked(Check(id: .pod("late"), title: "late", status: .ok)))
        XCTAssertEqual(state.doctor?.offset, 0, "a person who scrolled up is not moved")
        _ = update(&state, .key(.end))
        _ = update(&state, .key(.pageDown))
        XCTAssertEqual(state.doctor?.offset, (state.doctor?.rows.count ?? 0) - pane)
    }
}
