import Foundation
import RunViews
import SetupPlan

extension RunSession {
    /// `status`: the steps of the workspace's run (an unfinished destroy when one came last) and their states.
    public static func status(workspace: String) throws -> Int32 {
        let folder = URL(fileURLWithPath: workspace)
        if let destroy = try DestroySession.unfinished(workspace: folder) {
            Console.out("A destroy of this run is unfinished; resume continues it.")
            for line in StatusReport.lines(journal: destroy, workspace: folder) { Console.out(line) }
            return 0
        }
        guard let journal = try loadJournal(workspace: folder) else {
            Console.error("error: no run in \(folder.path) (no \(WorkspaceFiles.journal)); start one with apply")
            return 2
        }
        for line in StatusReport.lines(journal: journal, workspace: folder) { Console.out(line) }
        return 0
    }
}
