import ArgumentParser
import SetupPlan
import WizardApp

/// The guided wizard (the default when no subcommand is given).
struct InteractiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "The guided wizard in the terminal (default).")

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Ask the questions as lines instead of the full-screen UI (screen readers; automatic with TERM=dumb).")
    var plain = false

    @OptionGroup var flags: RunFlags

    @OptionGroup var preflight: PreflightFlag

    /// Runs the wizard in this terminal on the calling thread: ncurses calls block, so not on one of Swift
    /// concurrency's threads.
    func run() throws {
        try ExitCode.unlessZero(InteractiveSession.run(workspace: workspace, settings: preflight.apply(to: flags.settings), plain: plain))
    }
}
