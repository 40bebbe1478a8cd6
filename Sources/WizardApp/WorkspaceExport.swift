import Foundation
import SetupPlan
import SetupRunner

/// Writes a plan's reviewable files into a workspace folder.
enum WorkspaceExport {
    /// answers.yaml, raycluster.yaml (and its manual-auth form), the example RayJobs (0600) and setup.sh (0700), each
    /// written atomically; returns the paths.
    static func write(_ plan: Plan, to folder: URL) throws -> [String] {
        let workspace = Workspace(url: folder)
        try workspace.create()
        let files: [(String, String, mode_t)] = [(WorkspaceFiles.answers, AnswersFile.normalizedYAML(plan.answers), 0o600)]
            + (plan.manifestFiles + plan.rayJobFiles).map { ($0.name, $0.text, 0o600) }
            + [(WorkspaceFiles.script, SetupScript.render(plan), 0o700)]
        for (name, text, mode) in files {
            try workspace.writeFile(name, contents: text, mode: mode)
        }
        return files.map { workspace.url.appendingPathComponent($0.0).path }
    }
}
