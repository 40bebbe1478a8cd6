import Foundation
import TestKit

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
            try RequiredTool.missingTools("kuberay-gcs-wizard is not built next to the tests (looked in \(candidates.map(\.path)))")
        }
    }

    /// Puts `executable` (a program kept in the package) at `url` as a symbolic link. Never a copy: a file this
    /// process writes and another runs can fail with ETXTBSY ("Text file busy"), as the tests run at once and a
    /// process started meanwhile by another test holds the written file open until it executes.
    static func linkExecutable(_ url: URL, to executable: URL) throws {
        try FileManager.default.createSymbolicLink(at: url, withDestinationURL: executable)
    }

    /// Runs `body` with a new empty temporary folder, removed when it returns.
    static func withTemporaryFolder<T>(_ name: String, _ body: (URL) throws -> T) throws -> T {
        let url = try newTemporaryFolder(name)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    /// A new empty temporary folder, for the caller to remove.
    static func newTemporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kgw-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
