import SetupPlan
import XCTest

/// Every field the wizard asks carries its own label and one line of help; an optional one says what empty means.
final class FieldTextsTests: XCTestCase {
    /// Every field, a worker group's with a GPU included.
    private var fields: [AnswerField] {
        var answers = Answers()
        answers.ray.workers[0].gpu = WorkerGroup.GPU(type: "nvidia-l4")
        return AnswerFields.fields(in: answers)
    }

    func testEveryFieldHasALabelAndOneLineOfHelp() {
        XCTAssertEqual(fields.count, AnswerFields.all.count + WorkerGroupFields.keys.count)
        for field in fields {
            XCTAssertFalse(field.label.trimmingCharacters(in: .whitespaces).isEmpty, field.path)
            XCTAssertFalse(field.help.isEmpty, field.path)
            XCTAssertFalse(field.help.contains("\n"), "\(field.path): help is one line")
        }
        XCTAssertEqual(WorkerGroupFields.field(1, "name")?.label, "Group 2 name")
        XCTAssertEqual(WorkerGroupFields.field(1, "cpu")?.label, "  CPU", "a group's keys are indented under its name")
    }

    func testAnOptionalFieldSaysWhatEmptyMeans() {
        var answers = Answers()
        answers.project = "demo-project"
        answers.cluster.mode = .existing
        for field in fields {
            // An optional answer reads nil while unset; each of those, and only those, has a placeholder.
            let optional = field.get(Answers()) == nil && !field.path.hasPrefix(WorkerGroupFields.listPath)
            XCTAssertEqual(field.placeholder(in: answers) != nil, optional, field.path)
        }
        XCTAssertEqual(AnswerFields.field("cluster.location")?.placeholder(in: answers), "us-west1-b", "an existing cluster's zone")
        XCTAssertEqual(AnswerFields.field("identity.iamServiceAccount")?.placeholder(in: answers), Answers.Identity.defaultIAMServiceAccount)
        XCTAssertEqual(AnswerFields.field("ray.image")?.placeholder(in: answers), "rayproject/ray:\(RayVersions.default)")
    }

    func testHelpNamesTheFactsOfTheirOneSource() {
        XCTAssertTrue(AnswerFields.field("operator")?.help.contains("KubeRay \(KubeRay.operatorVersion)") ?? false)
        let l4 = GPUType.named("nvidia-l4")
        XCTAssertEqual(WorkerGroupFields.field(0, "gpu.count")?.help,
                       "GPUs per worker pod (and node): the machine type follows, e.g. \(l4?.machineType(count: 1) ?? "?") for one \(l4?.name ?? "?").")
        XCTAssertEqual(AnswerFields.field("ray.version")?.note, "known good: " + RayVersions.knownGood.joined(separator: ", "))
    }
}
