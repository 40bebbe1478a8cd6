import ArgumentParser
import Foundation
import SetupRunner

/// The guided wizard (the default when no subcommand is given).
struct InteractiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "The guided wizard in the terminal (default).")

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = InteractiveCommand.defaultWorkspace

    @Flag(help: "Ask the questions as lines instead of the full-screen UI (screen readers; automatic with TERM=dumb).")
    var plain = false

    @OptionGroup var flags: RunFlags

    static let defaultWorkspace = "kuberay-gcs-setup"

    func run() async throws {
        // Per-step timeout overrides need the plan, which the wizard builds later: only the scale applies here.
        guard flags.timeouts.isEmpty else {
            throw ValidationError("--timeout STEP=SECONDS applies to apply and resume; the wizard takes --timeout-scale")
        }
        var options = RunOptions()
        options.timeoutScale = flags.timeoutScale
        // ncurses calls block: on a thread of its own, not one of Swift concurrency's pool.
        let display = WizardDisplay.resolve(plainFlag: plain, noColorFlag: flags.noColor)
        let (workspace, runOptions) = (self.workspace, options)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try Self.start(workspace: workspace, options: runOptions, display: display) })
            }
            thread.name = "kuberay-gcs-wizard UI"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs the wizard in this terminal on the calling thread (also `WizardMain`'s quick path, before anything async).
    static func start(workspace: String, options: RunOptions, display: WizardDisplay) throws {
        // Plain mode reads lines, so it also runs from a pipe or a script's input.
        if !display.plain { try requireTerminal() }
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
