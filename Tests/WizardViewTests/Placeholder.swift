import XCTest

final class WizardViewTestsPlaceholder: XCTestCase {}
