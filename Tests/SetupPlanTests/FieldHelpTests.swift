import SetupPlan
import WizardResources
import XCTest

/// Every field the wizard asks shows a line of help, and every help text belongs to a field.
final class FieldHelpTests: XCTestCase {
    func testEveryAnswerFieldHasHelpAndNoHelpIsForAnUnknownKey() {
        let paths = Set(AnswerFields.all.map(\.path) + WorkerGroupFields.helpKeys)
        let helped = Set(WizardResources.fieldHelp.keys)
        XCTAssertEqual(paths.subtracting(helped).sorted(), [], "fields without help")
        XCTAssertEqual(helped.subtracting(paths).sorted(), [], "help for keys that are not answers")
        for (path, text) in WizardResources.fieldHelp {
            XCTAssertFalse(text.isEmpty, path)
            XCTAssertFalse(text.contains("\n"), "\(path): help is one line")
        }
    }
}
