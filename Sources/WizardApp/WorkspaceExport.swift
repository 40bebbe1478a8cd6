import Foundation
import SetupPlan
import SetupRunner

/// Writes a plan's reviewable files into a workspace folder.
enum WorkspaceExport {
    /// The plan's workspace files, each written atomically with its mode; returns the paths.
    static func write(_ plan: Plan, to folder: URL) throws -> [String] {
        let workspace = Workspace(url: folder)
        try workspace.create()
        let files = plan.workspaceFiles
        for file in files {
            try workspace.writeFile(file.name, contents: file.text, mode: mode_t(file.mode))
        }
        return files.map { workspace.url.appendingPathComponent($0.name).path }
    }
}
