import XCTest
@testable import WizardApp

/// What the destroy confirmation says a bucket holds, from a real listing process.
final class BucketUsageTests: XCTestCase {
    func testTheListingsTotalLine() async throws {
        let scratch = try Scratch()
        try scratch.tool("gcloud", """
        echo "        12  2026-01-01T00:00:00Z  gs://b/a.txt"
        echo "        24  2026-01-01T00:00:00Z  gs://b/d/b.txt"
        echo "TOTAL: 2 objects, 36 bytes (36B)"
        """)
        let usage = await BucketUsage.read([scratch.bin.appendingPathComponent("gcloud").path, "storage", "ls", "--long", "--recursive", "gs://b/**"])
        XCTAssertEqual(usage, "2 objects, 36 bytes (36B)")
    }

    func testAnEmptyBucketAndAFailedListing() async throws {
        let scratch = try Scratch()
        try scratch.tool("empty", "echo 'ERROR: (gcloud.storage.ls) One or more URLs matched no objects.' >&2; exit 1")
        try scratch.tool("denied", "echo 'ERROR: (gcloud.storage.ls) HTTPError 403: caller does not have storage.objects.list access' >&2; exit 1")
        let empty = await BucketUsage.read([scratch.bin.appendingPathComponent("empty").path])
        XCTAssertEqual(empty, "no objects")
        let denied = await BucketUsage.read([scratch.bin.appendingPathComponent("denied").path])
        XCTAssertEqual(denied, "an unknown number of objects (the listing failed: "
            + "ERROR: (gcloud.storage.ls) HTTPError 403: caller does not have storage.objects.list access)")
        let missing = await BucketUsage.read([scratch.bin.appendingPathComponent("no-such-tool").path])
        XCTAssertTrue(missing.hasPrefix("an unknown number of objects (the listing failed: "), missing)
    }

    /// Started from a Swift concurrency thread, whose mask blocks SIGTERM and SIGINT, the listing still has them
    /// unblocked: Ctrl-C at the destroy's confirmation, or a kill, stops it rather than leaving it running on.
    func testTheListingStopsOnSIGTERMAndSIGINT() async throws {
        for signal in ["TERM", "INT"] {
            let usage = await Task.detached {
                await BucketUsage.read(["/bin/sh", "-c", "kill -\(signal) $$; echo 'SIG\(signal) was blocked' >&2; exit 1"])
            }.value
            XCTAssertFalse(usage.contains("was blocked"), usage)
            XCTAssertTrue(usage.hasPrefix("an unknown number of objects (the listing failed: "), usage)
        }
    }
}
