import Foundation
import SetupPlan

/// Writes a plan's reviewable files into a workspace folder.
enum WorkspaceExport {
    /// answers.yaml, raycluster.yaml (0600) and setup.sh (0700), each written atomically; returns the paths.
    static func write(_ plan: Plan, to folder: URL) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        let files: [(String, String, Int)] = [
            ("answers.yaml", AnswersFile.normalizedYAML(plan.answers), 0o600),
            ("raycluster.yaml", plan.manifest, 0o600),
            ("setup.sh", SetupScript.render(plan), 0o700),
        ]
        var written: [String] = []
        for (name, text, mode) in files {
            let url = folder.appendingPathComponent(name)
            try atomicWrite(text, to: url, mode: mode)
            written.append(url.path)
        }
        return written
    }

    private static func atomicWrite(_ text: String, to url: URL, mode: Int) throws {
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try Data(text.utf8).write(to: temp)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temp.path)
        guard rename(temp.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
