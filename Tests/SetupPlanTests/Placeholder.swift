import XCTest

final class SetupPlanTestsPlaceholder: XCTestCase {}
