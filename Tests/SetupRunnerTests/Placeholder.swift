import XCTest

final class SetupRunnerTestsPlaceholder: XCTestCase {}
