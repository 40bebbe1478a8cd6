import XCTest
import Cells
import SetupPlan
@testable import WizardModel

final class PagesTests: XCTestCase {
    func testStartDetectsAndDetectedDefaultsFillUntouchedFields() {
        let store = TestStore(Fixtures.state())
        store.send(.start(terminalUTF8: true), effects: [.detectEnvironment])
        let detection = Detection(
            tools: [DetectedTool(name: "gcloud", version: "Google Cloud SDK 500.0.0"), DetectedTool(name: "helm", version: nil)],
            account: "me@example.com", project: "detected-project", zone: "europe-west4-a")
        store.send(.environmentDetected(detection)) {
            $0.detection = detection
            $0.answers.project = "detected-project"
            $0.editors["project"] = LineEditor("detected-project")
            $0.answers.zone = "europe-west4-a"
            $0.editors["zone"] = LineEditor("europe-west4-a")
        }
        store.send(.key(.enter)) { $0.screen = .page(0) }
    }

    func testDetectionNeverOverwritesWhatWasTyped() {
        var state = Fixtures.state()
        state.screen = .page(0)
        let store = TestStore(state)
        store.type("mine-123") {
            $0.answers.project = "mine-123"
            $0.editors["project"] = LineEditor("mine-123")
            $0.edited = ["project"]
        }
        let detection = Detection(tools: [], project: "detected-project")
        store.send(.environmentDetected(detection)) { $0.detection = detection }
    }

    func testWelcomeStartsWithoutWaitingForDetection() {
        let store = TestStore(Fixtures.state())
        store.send(.key(.enter)) { $0.screen = .page(0) }
    }

    func testEnterWithAnEmptyProjectStaysAndShowsTheMessage() {
        var state = Fixtures.state()
        state.screen = .page(0)
        let store = TestStore(state)
        store.send(.key(.enter)) { $0.errors["project"] = "project: is required" }
        store.type("my-project") {
            $0.answers.project = "my-project"
            $0.editors["project"] = LineEditor("my-project")
            $0.edited = ["project"]
            $0.errors["project"] = nil
        }
        store.send(.key(.enter)) { $0.screen = .page(1) }
    }

    func testBucketNameIsValidatedWhenLeftAndThePageDoesNotAdvance() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(4)
        let store = TestStore(state)
        store.send(.key(.tab)) { $0.focus = 1 }
        store.send(.key(.ctrl("u"))) {
            $0.editors["bucket.name"] = LineEditor("")
            $0.answers.bucket.name = ""
            $0.edited = ["bucket.name"]
        }
        store.type("My_Bucket") {
            $0.editors["bucket.name"] = LineEditor("My_Bucket")
            $0.answers.bucket.name = "My_Bucket"
        }
        let message = #"bucket.name "My_Bucket": bucket names use lowercase letters, digits, '-', '_' and '.'"#
        store.send(.key(.tab)) {
            $0.errors["bucket.name"] = message
            $0.focus = 2
        }
        store.send(.key(.enter)) { $0.focus = 1 }
        XCTAssertEqual(store.state.screen, .page(4))
        store.send(keys: [.home, .delete, .char("m"), .right, .delete, .char("-")]) {
            $0.editors["bucket.name"] = LineEditor("my-Bucket", cursor: 3)
            $0.answers.bucket.name = "my-Bucket"
            $0.errors["bucket.name"] = nil
        }
        store.send(keys: [.delete, .char("b")]) {
            $0.editors["bucket.name"] = LineEditor("my-bucket", cursor: 4)
            $0.answers.bucket.name = "my-bucket"
        }
        store.send(.key(.enter)) { $0.screen = .page(5); $0.focus = 0 }
    }

    func testANumberFieldKeepsWhatWasTypedAndReportsTheType() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(1)
        state.focus = 3  // cluster.numNodes
        let store = TestStore(state)
        store.send(keys: [.backspace, .char("x")]) {
            $0.editors["cluster.numNodes"] = LineEditor("x")
            $0.edited = ["cluster.numNodes"]
        }
        XCTAssertEqual(store.state.answers.cluster.numNodes, 1, "invalid text does not reach the answers")
        store.send(.key(.backTab)) {
            $0.errors["cluster.numNodes"] = #"cluster.numNodes "x": must be a whole number, 0 or more"#
            $0.focus = 2
        }
        store.send(.key(.enter)) { $0.focus = 3 }
        store.send(.key(.down)) { $0.focus = 4 }  // leaving again: same message, nothing changes
        store.send(.key(.up)) { $0.focus = 3 }
        store.send(keys: [.backspace, .char("3")]) {
            $0.editors["cluster.numNodes"] = LineEditor("3")
            $0.answers.cluster.numNodes = 3
            $0.errors["cluster.numNodes"] = nil
        }
        store.send(.key(.enter)) {
            $0.errors["cluster.maxNodes"] = "cluster.maxNodes \"1\": must be at least cluster.numNodes (3)"
            $0.focus = 5
        }
    }

    func testChoicesAreRadioListsAndChangeWhichFieldsShow() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(1)
        let store = TestStore(state)
        XCTAssertEqual(store.state.visibleFields.map(\.path), [
            "cluster.mode", "cluster.name", "cluster.machineType", "cluster.numNodes", "cluster.minNodes", "cluster.maxNodes",
        ])
        XCTAssertEqual(store.state.keyContext, .choiceField)
        store.send(.key(.right)) {
            $0.answers.cluster.mode = .createAutopilot
            $0.edited = ["cluster.mode"]
        }
        XCTAssertEqual(store.state.visibleFields.map(\.path), ["cluster.mode", "cluster.name"])
        store.send(.key(.char(" "))) { $0.answers.cluster.mode = .existing }
        store.send(.key(.char(" "))) { $0.answers.cluster.mode = .createStandard }
        store.send(.key(.left)) { $0.answers.cluster.mode = .existing }
        XCTAssertEqual(store.state.visibleFields.map(\.path),
                       ["cluster.mode", "cluster.name", "cluster.location", "cluster.autopilot", "cluster.nodePool"])
        store.send(.key(.tab)) { $0.focus = 1 }
        XCTAssertEqual(store.state.keyContext, .textField)
        store.send(.key(.tab)) { $0.focus = 2 }
        XCTAssertEqual(store.state.keyContext, .textField)
        store.send(.key(.tab)) { $0.focus = 3 }
        XCTAssertEqual(store.state.keyContext, .choiceField)
        store.send(.key(.tab)) { $0.focus = 4 }
        XCTAssertEqual(store.state.keyContext, .textField)
        store.send(.key(.tab)) { $0.focus = 0 }  // wraps round the five fields
    }

    func testAnExistingClusterAsksForItsLocationAndKind() {
        var answers = Fixtures.answers
        answers.cluster.mode = .existing
        var state = Fixtures.state(answers)
        state.screen = .page(1)
        state.focus = 2
        let store = TestStore(state)
        XCTAssertEqual(AnswerFields.field("cluster.location")?.placeholder(in: store.state.answers), "us-west1-b", "empty means the zone")
        store.type("us-west") {
            $0.editors["cluster.location"] = LineEditor("us-west")
            $0.answers.cluster.location = "us-west"
            $0.edited = ["cluster.location"]
        }
        store.send(.key(.tab)) {
            $0.errors["cluster.location"] = #"cluster.location "us-west": cluster locations are a zone (e.g. us-west1-b) or a region (e.g. us-west1)"#
            $0.focus = 3
        }
        store.send(.key(.backTab)) { $0.focus = 2 }
        store.type("1") {
            $0.editors["cluster.location"] = LineEditor("us-west1")
            $0.answers.cluster.location = "us-west1"
            $0.errors["cluster.location"] = nil
        }
        store.send(.key(.tab)) { $0.focus = 3 }
        store.send(.key(.right)) {
            $0.answers.cluster.autopilot = true
            $0.edited.insert("cluster.autopilot")
        }
        XCTAssertEqual(store.state.answers.clusterLocation, "us-west1")
        XCTAssertTrue(store.state.answers.isAutopilot)
        // Autopilot's nodes are GKE's: no node pool to name.
        XCTAssertEqual(store.state.visibleFields.map(\.path), ["cluster.mode", "cluster.name", "cluster.location", "cluster.autopilot"])

        // Creating a cluster instead: both answers stop applying and leave the answers (the typed location stays
        // in its buffer), so the validator has nothing hidden to flag.
        store.send(.key(.tab)) { $0.focus = 0 }
        store.send(.key(.right)) {
            $0.answers.cluster.mode = .createStandard
            $0.answers.cluster.location = nil
            $0.answers.cluster.autopilot = false
            $0.edited.insert("cluster.mode")
        }
        XCTAssertEqual(Validator.validate(store.state.answers), [])
        store.send(.key(.left)) {
            $0.answers.cluster.mode = .existing
            $0.answers.cluster.location = "us-west1"
        }
    }

    func testBackAndForthKeepsAnswers() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(2)
        let store = TestStore(state)
        store.send(.key(.right)) {
            $0.answers.operator = .helm
            $0.edited = ["operator"]
        }
        store.send(.key(.escape)) { $0.screen = .page(1) }
        store.send(.key(.escape)) { $0.screen = .page(0) }
        store.send(.key(.escape)) { $0.screen = .welcome }
        store.send(.key(.enter)) { $0.screen = .page(0) }
        store.send(.key(.enter)) { $0.screen = .page(1) }
        store.send(.key(.enter)) { $0.screen = .page(2) }
        XCTAssertEqual(store.state.answers.operator, .helm)
    }

    func testTheIAMServiceAccountFollowsTheIdentityMode() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(3)
        state.focus = 3
        let store = TestStore(state)
        store.type("ray-sa-1") {
            $0.editors["identity.iamServiceAccount"] = LineEditor("ray-sa-1")
            $0.answers.identity.iamServiceAccount = "ray-sa-1"
            $0.edited = ["identity.iamServiceAccount"]
        }
        store.send(.key(.tab)) { $0.focus = 0 }
        store.send(.key(.right)) {
            $0.answers.identity.mode = .direct
            $0.answers.identity.iamServiceAccount = nil
            $0.edited.insert("identity.mode")
        }
        XCTAssertEqual(store.state.visibleFields.count, 3)
        store.send(.key(.right)) {
            $0.answers.identity.mode = .iamServiceAccount
            $0.answers.identity.iamServiceAccount = "ray-sa-1"
        }
    }

    func testAnEmptyOptionalFieldFollowsItsDefault() {
        var answers = Fixtures.answers
        answers.ray.image = "example.com/ray:1"
        var state = Fixtures.state(answers)
        state.screen = .page(5)
        state.focus = 4
        let store = TestStore(state)
        store.send(.key(.ctrl("u"))) {
            $0.editors["ray.image"] = LineEditor("")
            $0.answers.ray.image = nil
            $0.edited = ["ray.image"]
        }
    }

    func testPasteGoesIntoTheFieldAsOneLine() {
        var state = Fixtures.state()
        state.screen = .page(0)
        let store = TestStore(state)
        store.send(.key(.paste("my-project\n"))) {
            $0.editors["project"] = LineEditor("my-project")
            $0.answers.project = "my-project"
            $0.edited = ["project"]
        }
    }

    func testQuestionMarkOpensTheKeysAndAnyCloseKeyShutsThem() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(0)
        let store = TestStore(state)
        store.send(.key(.char("?"))) { $0.overlay = .help }
        store.send(.key(.char("x")))
        store.send(.key(.escape)) { $0.overlay = nil }
    }

    func testTheLastPageOpensTheReviewWithThePlanBuiltOnce() {
        var state = Fixtures.state(Fixtures.answers)
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        store.send(.key(.enter), effects: [.startPreflight(Fixtures.answers)]) {
            $0.screen = .review
            $0.review = ReviewState(plan: Fixtures.plan(), width: 76)
            $0.review?.preflight = PreflightProgress(answers: Fixtures.answers, pane: Layout.reviewPane(.minimum, summaryRows: Layout.reviewSummaryRows))
        }
        XCTAssertEqual(store.state.review?.plan, PlanBuilder.build(Fixtures.answers, checkScript: Fixtures.checkScript))
    }

    func testTheReviewSendsBackToTheFirstPageWithAProblem() {
        var answers = Fixtures.answers
        answers.zone = "nowhere"
        var state = Fixtures.state(answers)
        state.screen = .page(WizardPage.all.count - 1)
        let store = TestStore(state)
        let expected = Validator.validate(field: "zone", in: answers).first?.description
        XCTAssertNotNil(expected)
        store.send(.key(.enter)) {
            $0.screen = .page(0)
            $0.errors["zone"] = expected
            $0.focus = 1
        }
    }
}
