import WizardResources
import XCTest
import Yams

/// The wizard reads Resources/field-help.yaml without Yams at start-up; it must read what Yams reads.
final class FieldHelpTests: XCTestCase {
    func testTheShippedFileTakesTheQuickPathAndMatchesYAML() throws {
        let quick = try XCTUnwrap(WizardResources.simpleFieldHelp, "field-help.yaml is no longer `key: \"text\"` lines: the wizard falls back to Yams at start-up")
        let yaml = try XCTUnwrap(try Yams.load(yaml: WizardResources.fieldHelpYAML) as? [String: String])
        XCTAssertEqual(quick, yaml)
        XCTAssertFalse(quick.isEmpty)
    }
}
