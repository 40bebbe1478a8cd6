import Foundation
import TestKit
import XCTest

/// Paths of the package and its built products.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

    /// The built `kuberay-gcs-wizard`, next to the test bundle.
    static var wizard: URL {
        get throws {
            var candidates: [URL] = []
            for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
                candidates.append(bundle.bundleURL.deletingLastPathComponent())
            }
            candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
            for dir in candidates {
                let url = dir.appendingPathComponent("kuberay-gcs-wizard")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw XCTSkip("kuberay-gcs-wizard is not built next to the tests (looked in \(candidates.map(\.path)))")
        }
    }

    /// A new empty temporary folder, removed by the test's teardown.
    static func temporaryFolder(_ test: XCTestCase, _ name: String) throws -> URL {
        let url = try newTemporaryFolder(name)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A new empty temporary folder, for the caller to remove.
    static func newTemporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kgw-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
