import SetupPlan
import XCTest
@testable import WizardApp

/// `--timeout-scale`, `--timeout STEP=SECONDS` and `--parallel N` as the run options, or a usage error naming the value
/// and the rule.
final class RunSettingsTests: XCTestCase {
    private let plan = RunSession.plan(for: .demo)

    func testTimeoutsBecomeOptions() throws {
        let options = try RunSettings(timeoutScale: 2, timeouts: ["wait-head=900", "create-cluster=3600"]).options(for: plan)
        XCTAssertEqual(options.timeoutScale, 2)
        XCTAssertEqual(options.timeoutOverrides, [.waitHead: 900, .createCluster: 3600])
        XCTAssertEqual(options.timeout(for: .waitHead, default: 360), 1800)
    }

    func testParallelSetsHowManyStepsRunAtOnce() throws {
        XCTAssertEqual(try RunSettings().options(for: plan).concurrency, 4)
        XCTAssertEqual(try RunSettings(parallel: 1).options(for: plan).concurrency, 1)
        XCTAssertEqual(try RunSettings(parallel: 2).options().concurrency, 2, "the wizard's options, made without a plan")
        XCTAssertThrowsError(try RunSettings(parallel: 0).options()) {
            XCTAssertEqual($0 as? UsageError, UsageError("--parallel 0: must be at least 1 (1 runs one step at a time)"))
        }
    }

    func testBadValuesNameTheRule() {
        XCTAssertThrowsError(try RunSettings(timeoutScale: 0).options(for: plan)) {
            XCTAssertEqual($0 as? UsageError, UsageError("--timeout-scale must be more than 0"))
        }
        for entry in ["wait-head", "wait-head=soon", "wait-head=-1"] {
            XCTAssertThrowsError(try RunSettings(timeouts: [entry]).options(for: plan)) {
                XCTAssertEqual($0 as? UsageError, UsageError("--timeout \(entry): use step-id=seconds, e.g. wait-head=900"))
            }
        }
        XCTAssertThrowsError(try RunSettings(timeouts: ["wait-heads=60"]).options(for: plan)) {
            let message = ($0 as? UsageError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("--timeout wait-heads=60: no step wait-heads in this plan (steps: check-gcloud, "), message)
            XCTAssertTrue(message.contains(", wait-head, "), message)
        }
    }
}
