import SetupPlan
import ArgumentParser
import Foundation
import RunModel
import RunViews
import SetupRunner

/// `status`: the journal's steps and their states.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the steps of a workspace's run and their states.")

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    func run() throws {
        let folder = URL(fileURLWithPath: workspace)
        if let destroy = try DestroySession.unfinished(workspace: folder) {
            Console.out("A destroy of this run is unfinished; resume continues it.")
            for line in StatusReport.lines(journal: destroy, workspace: folder) { Console.out(line) }
            return
        }
        guard let journal = try RunSession.loadJournal(workspace: folder) else {
            Console.error("error: no run in \(folder.path) (no state.json); start one with apply")
            throw ExitCode(2)
        }
        for line in StatusReport.lines(journal: journal, workspace: folder) { Console.out(line) }
    }
}
