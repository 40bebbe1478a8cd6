import Cells
import SetupPlan
import XCTest
@testable import WizardModel

/// The worker groups page: groups added with Ctrl-N, a GPU picked, groups removed with Ctrl-X.
final class WorkerGroupsTests: XCTestCase {
    private func groupFields(_ index: Int, gpu: Bool = false) -> [String] {
        ["name", "replicas", "minReplicas", "maxReplicas", "cpu", "memory", "gpu.type"].map { WorkerGroupFields.path(index, $0) }
            + (gpu ? [WorkerGroupFields.path(index, "gpu.count")] : [])
    }

    private func editors(_ index: Int, name: String) -> [String: LineEditor] {
        ["name": name, "replicas": "1", "minReplicas": "0", "maxReplicas": "3", "cpu": "1", "memory": "2Gi"]
            .reduce(into: [:]) { $0[WorkerGroupFields.path(index, $1.key)] = LineEditor($1.value) }
    }

    func testANewUserAddsAGPUGroupAndRemovesIt() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        XCTAssertEqual(store.state.visibleFields.map(\.path), ["ray.autoscaling"] + groupFields(0))
        XCTAssertEqual(store.state.keyContext, .groupChoiceField)
        XCTAssertTrue(KeyBindings.bindings(.groupChoiceField).contains { $0.command == .addGroup && $0.inFooter })
        XCTAssertFalse(KeyBindings.bindings(.choiceField).contains { $0.command == .addGroup }, "other pages add no groups")

        store.send(.key(.ctrl("n"))) {
            $0.answers.ray.workers.append(WorkerGroup(name: "workers-2"))
            $0.editors.merge(self.editors(1, name: "workers-2")) { $1 }
            $0.focus = 8
        }
        XCTAssertEqual(store.state.keyContext, .groupTextField)
        store.send(.key(.ctrl("u"))) {
            $0.editors["ray.workers[1].name"] = LineEditor("")
            $0.answers.ray.workers[1].name = ""
            $0.edited.insert("ray.workers[1].name")
        }
        store.type("gpu") {
            $0.editors["ray.workers[1].name"] = LineEditor("gpu")
            $0.answers.ray.workers[1].name = "gpu"
        }
        store.send(keys: [.tab, .tab, .tab, .tab, .tab, .tab]) { $0.focus = 14 }
        store.send(.key(.right)) {
            $0.answers.ray.workers[1].gpu = WorkerGroup.GPU(type: "nvidia-tesla-t4")
            $0.editors["ray.workers[1].gpu.count"] = LineEditor("1")
            $0.edited.insert("ray.workers[1].gpu.type")
        }
        store.send(.key(.right)) { $0.answers.ray.workers[1].gpu = WorkerGroup.GPU(type: "nvidia-l4") }
        XCTAssertEqual(store.state.visibleFields.map(\.path), ["ray.autoscaling"] + groupFields(0) + groupFields(1, gpu: true))
        // The preview the review builds has the group's node pool.
        XCTAssertNotNil(PlanBuilder.build(store.state.answers, checkScript: "").step(.createNodePool(group: "gpu")))

        store.send(.key(.ctrl("x"))) {
            $0.answers.ray.workers.removeLast()
            for path in self.groupFields(1, gpu: true) { $0.editors[path] = nil }
            $0.focus = 7
            $0.message = "Removed worker group gpu."
        }
        store.send(.key(.ctrl("x"))) {
            $0.answers.ray.workers = []
            for path in self.groupFields(0) { $0.editors[path] = nil }
            $0.focus = 0
            $0.message = "Removed worker group workers."
        }
        store.send(.key(.ctrl("x"))) {
            $0.message = "Move to a field of the group to remove (Ctrl-X removes the group of the focused field)."
        }
        XCTAssertEqual(store.state.visibleFields.map(\.path), ["ray.autoscaling"])
    }

    func testAGroupProblemIsShownBesideItsFieldAndStopsThePage() {
        var answers = Fixtures.answers
        answers.ray.workers.append(WorkerGroup(name: "workers"))
        var state = Fixtures.state(answers)
        let last = WizardPage.all.count - 1
        state.screen = .page(last)
        let store = TestStore(state)
        store.send(.key(.enter)) {
            $0.errors["ray.workers[1].name"] = #"ray.workers[1].name "workers": another worker group has this name; names must be unique"#
            $0.focus = 8
        }
        XCTAssertEqual(store.state.screen, .page(last))
    }
}
