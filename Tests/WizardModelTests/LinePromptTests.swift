import SetupPlan
import WizardModel
import XCTest

/// The plain mode's questions: the pages' labels and defaults, the pages' checks and messages.
final class LinePromptTests: XCTestCase {
    func field(_ path: String) throws -> AnswerField { try XCTUnwrap(AnswerFields.field(path)) }

    func testQuestionsShowTheLabelTheChoicesAndWhatEnterKeeps() throws {
        let answers = Answers.defaults
        XCTAssertEqual(LinePrompt.question(try field("zone"), in: answers), "\(try field("zone").label) [\(answers.zone)]: ")
        XCTAssertEqual(LinePrompt.question(try field("cluster.mode"), in: answers),
                       "Cluster (create-standard, create-autopilot, existing) [create-standard]: ")
        XCTAssertEqual(LinePrompt.question(try field("bucket.create"), in: answers),
                       "Bucket (true: create a new bucket, false: use an existing bucket) [true]: ")
        // An optional answer shows what it follows.
        XCTAssertEqual(LinePrompt.question(try field("ray.image"), in: answers), "Image [rayproject/ray:\(answers.ray.version)]: ")
    }

    func testAnswersTakeTheSameChecksAsThePages() throws {
        var answers = Answers.defaults
        let project = try field("project")
        // Enter keeps the empty project, which the validator refuses with its own message.
        XCTAssertEqual(LinePrompt.answer("", to: project, in: &answers), Validator.validate(field: "project", in: answers).first?.description)
        XCTAssertEqual(LinePrompt.answer("  my-project-1 ", to: project, in: &answers), nil)
        XCTAssertEqual(answers.project, "my-project-1")

        let nodes = try field("cluster.numNodes")
        XCTAssertEqual(LinePrompt.answer("three", to: nodes, in: &answers), "cluster.numNodes \"three\": must be a whole number, 0 or more")
        XCTAssertEqual(answers.cluster.numNodes, Answers.defaults.cluster.numNodes, "a refused answer changes nothing")

        let bucket = try field("bucket.name")
        var bad = answers
        bad.bucket.name = "My_Bucket"
        XCTAssertEqual(LinePrompt.answer("My_Bucket", to: bucket, in: &answers), Validator.validate(field: "bucket.name", in: bad).first?.description)
        XCTAssertEqual(answers.bucket.name, "")

        // Enter on an optional answer keeps following its default.
        XCTAssertNil(LinePrompt.answer("", to: try field("ray.image"), in: &answers))
        XCTAssertNil(answers.ray.image)
    }

    func testAProblemOfTheWholeAnswersLeadsToItsPage() {
        XCTAssertEqual(WizardPage.index(of: "bucket.name"), WizardPage.all.firstIndex { $0.title == "Bucket" })
        XCTAssertEqual(WizardPage.index(of: ""), 0)
    }
}
