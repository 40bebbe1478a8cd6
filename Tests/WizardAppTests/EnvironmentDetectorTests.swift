import WizardModel
import XCTest
@testable import WizardApp

/// What the Welcome screen learns before asking anything: which tools answer, and gcloud's account and defaults.
final class EnvironmentDetectorTests: XCTestCase {
    func testToolsAndGcloudDefaults() async throws {
        let scratch = try Scratch()
        try scratch.tool("gcloud", """
        case "$*" in
          "config list --format json") echo '{"core": {"account": "alice@example.com", "project": "demo-project"}, "compute": {}}' ;;
          *) echo "Google Cloud SDK 520.0.0" ;;
        esac
        """)
        // A wrapper whose program is gone, as a shell reports it.
        try scratch.tool("kubectl", "exit 127")
        // There, though unhappy: its version line counts.
        try scratch.tool("gke-gcloud-auth-plugin", "echo 'Kubernetes v1.30.0+abc'; exit 1")
        let detection = await EnvironmentDetector.detect(environment: scratch.environment, timeoutSeconds: 10)
        XCTAssertEqual(detection.tools.map(\.name), Detection.toolNames)
        let versions = Dictionary(uniqueKeysWithValues: detection.tools.map { ($0.name, $0.version) })
        XCTAssertEqual(versions["gcloud"], "Google Cloud SDK 520.0.0")
        XCTAssertEqual(versions["kubectl"], .some(nil), "exit 127: not installed")
        XCTAssertEqual(versions["gke-gcloud-auth-plugin"], "Kubernetes v1.30.0+abc")
        XCTAssertEqual(versions["helm"], .some(nil), "not on PATH")
        XCTAssertEqual(detection.account, "alice@example.com")
        XCTAssertEqual(detection.project, "demo-project")
        XCTAssertNil(detection.zone, "no compute/zone is no zone")
        XCTAssertNil(detection.configUnread, "read: what is missing is not set")
    }

    func testAToolThatHangsIsGivenUpOnAtTheTimeLimit() async throws {
        let scratch = try Scratch()
        try scratch.tool("gcloud", "exec /bin/sleep 30")
        let start = ContinuousClock.now
        let detection = await EnvironmentDetector.detect(environment: scratch.environment, timeoutSeconds: 1)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(10))
        XCTAssertNil(detection.account)
        XCTAssertEqual(detection.configUnread, "not read: gcloud did not answer in 1 s", "not the same as no account")
    }

    func testAConfigThatGcloudCannotReadSaysWhy() async throws {
        let scratch = try Scratch()
        try scratch.tool("gcloud", """
        case "$*" in
          "config list --format json") echo 'ERROR: (gcloud.config.list) Unable to read file [/home/x/.config/gcloud]' >&2; exit 1 ;;
          *) echo "Google Cloud SDK 520.0.0" ;;
        esac
        """)
        let detection = await EnvironmentDetector.detect(environment: scratch.environment, timeoutSeconds: 10)
        XCTAssertNil(detection.account)
        XCTAssertEqual(detection.configUnread,
                       "not read: gcloud config list failed: ERROR: (gcloud.config.list) Unable to read file [/home/x/.config/gcloud]")
    }
}
