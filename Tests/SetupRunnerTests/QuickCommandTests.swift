import Foundation
import XCTest
@testable import SetupRunner

/// The children the wizard starts through the engine's runner (steps, detection, doctor's reads) start on Swift
/// concurrency threads, whose mask blocks SIGTERM and SIGINT; they must not inherit it, or no stop would reach them.
final class QuickCommandTests: XCTestCase {
    func testAChildStartedFromAConcurrencyThreadStopsOnSIGTERMAndSIGINT() async {
        for (name, number) in [("TERM", SIGTERM), ("INT", SIGINT)] {
            let output = await Task.detached {
                await QuickCommand.read(["/bin/sh", "-c", "kill -\(name) $$; echo 'SIG\(name) was blocked'"], timeoutSeconds: 30)
            }.value
            XCTAssertEqual(output.exitCode, 128 + number, "SIG\(name): \(output.stdout)\(output.stderr)")
            XCTAssertEqual(output.stdout, "", "SIG\(name)")
        }
    }
}
