import SetupPlan
import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupRunner

/// The guided wizard (the default when no subcommand is given).
struct InteractiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "The guided wizard in the terminal (default).")

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Ask the questions as lines instead of the full-screen UI (screen readers; automatic with TERM=dumb).")
    var plain = false

    @OptionGroup var flags: RunFlags

    /// Runs the wizard in this terminal on the calling thread: ncurses calls block, so not on one of Swift
    /// concurrency's threads.
    func run() throws {
        // Per-step timeout overrides need the plan, which the wizard builds later: only the scale applies here.
        guard flags.timeouts.isEmpty else {
            throw ValidationError("--timeout STEP=SECONDS applies to apply and resume; the wizard takes --timeout-scale")
        }
        var options = RunOptions()
        options.timeoutScale = flags.timeoutScale
        let display = WizardDisplay.resolve(plainFlag: plain, noColorFlag: flags.noColor)
        // Plain mode reads lines, so it also runs from a pipe or a script's input.
        if !display.plain { try Self.requireTerminal() }
        let code = try InteractiveSession.run(workspace: workspace, options: options, display: display)
        if code != 0 { throw ExitCode(code) }
    }

    private static func requireTerminal() throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            Console.error("""
            kuberay-gcs-wizard needs a terminal for the guided wizard.
            Without one, use the non-interactive forms:
              kuberay-gcs-wizard plan --answers answers.yaml          (show what would run)
              kuberay-gcs-wizard apply --answers answers.yaml --yes   (run it)
            """)
            throw ExitCode(2)
        }
    }
}
