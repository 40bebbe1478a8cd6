import Foundation
import RunViews
import SetupPlan

/// The setup a workspace finished, for the commands that use what it made (`session`, `submit`).
enum FinishedSetup {
    /// The answers the setup in `workspace` ran with. Prints why, naming the command that mends it, and throws
    /// `ExitStatus(2)` when there is no setup there, it was destroyed, it has not finished, or its answers are no
    /// longer valid; `command` is the one that needs it.
    static func answers(workspace: String, command: String) throws -> Answers {
        let folder = URL(fileURLWithPath: workspace)
        let quoted = ShellQuote.quote(workspace)
        let needs = "\(command) runs on the RayCluster of a finished setup"
        guard let journal = try RunSession.loadJournal(workspace: folder) else {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(WorkspaceFiles.destroyedSetupJournal).path) {
                Console.error("error: the setup of \(workspace) was destroyed: \(needs); set it up again with "
                              + WorkspaceFiles.applyCommand(workspace: workspace))
            } else {
                Console.error("error: no setup in \(workspace) (no \(WorkspaceFiles.journal)): \(needs); make one with the wizard "
                              + "(kuberay-gcs-wizard --workspace \(quoted)) or kuberay-gcs-wizard apply --workspace \(quoted), "
                              + "or name its folder with --workspace")
            }
            throw ExitStatus(2)
        }
        guard journal.result == .succeeded else {
            let state = journal.result.map { "its last run \($0.rawValue)" } ?? "a run is in progress or was stopped"
            Console.error("error: the setup in \(workspace) has not finished (\(state)); finish it with "
                          + WorkspaceFiles.resumeCommand(workspace: workspace))
            throw ExitStatus(2)
        }
        do {
            return try AnswersFile.load(yaml: journal.normalizedAnswers)
        } catch {
            Console.error("error: the answers recorded in \(workspace)/\(WorkspaceFiles.journal) are not valid any more:")
            for problem in error.errors { Console.error("  \(problem)") }
            Console.error("Set up again with " + WorkspaceFiles.applyCommand(workspace: workspace))
            throw ExitStatus(2)
        }
    }
}
