import ArgumentParser
import Foundation

/// The guided wizard (the default when no subcommand is given).
struct InteractiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "The guided wizard in the terminal (default).")

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = "kuberay-gcs-setup"

    func run() async throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            Console.error("""
            kuberay-gcs-wizard needs a terminal for the guided wizard.
            Without one, use the non-interactive forms:
              kuberay-gcs-wizard plan --answers answers.yaml          (show what would run)
              kuberay-gcs-wizard apply --answers answers.yaml --yes   (run it)
            """)
            throw ExitCode(2)
        }
        Console.error("The interactive wizard is not wired yet.")
        throw ExitCode(2)
    }
}
