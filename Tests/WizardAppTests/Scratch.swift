import Foundation
import SetupPlan
import XCTest

/// A temporary folder for one test, removed afterwards; fake tools go in its `bin`.
final class Scratch {
    let root: URL
    var bin: URL { root.appendingPathComponent("bin") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-app-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A file `name` under the root with `text`.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> URL {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url
    }

    /// An executable shell script `bin/name`.
    func tool(_ name: String, _ script: String) throws {
        try write("bin/\(name)", "#!/bin/sh\n" + script + "\n", mode: 0o755)
    }

    /// Only the fakes on PATH, and gcloud's and kubectl's configuration inside the root.
    var environment: [String: String] {
        ["PATH": bin.path, "CLOUDSDK_CONFIG": root.appendingPathComponent("gcloud").path,
         "KUBECONFIG": root.appendingPathComponent("kubeconfig").path, "HOME": root.path]
    }

    func permissions(_ name: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(name).path)[.posixPermissions] as? Int) ?? 0) & 0o777
    }
}

extension Answers {
    /// The defaults with the two answers a setup needs.
    static var demo: Answers {
        var answers = Answers()
        answers.project = "demo-project"
        answers.bucket.name = "my-bucket"
        return answers
    }
}
