import XCTest

final class WizardModelTestsPlaceholder: XCTestCase {}
