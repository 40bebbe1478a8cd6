import ArgumentParser
import SetupPlan
import WizardApp

/// `preflight`: the checks apply runs before it creates anything, alone.
struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check, read-only, what the cloud would refuse: billing, roles, names taken, GPU and machine types, quotas.",
        discussion: """
        Runs the checks apply runs before it creates anything: billing on, your roles on the project, the cluster and \
        bucket names, the zone's offer of the GPU and machine types, the GPU and CPU quotas the worker groups and nodes \
        may need, and (direct mode) organisation policies. Each is ✓, ✗ (apply would stop before creating anything) or ! \
        (could not be read, or works but not fully), with what it read and the fix. It changes nothing. The answers \
        come from --answers/--set, else the workspace's answers.yaml. Exit status: 0 nothing stops a run, 1 a check \
        does, 2 usage or invalid answers.
        """)

    @Option(help: "A workspace whose \(WorkspaceFiles.answers) to check (when --answers is not given).")
    var workspace: String?

    @OptionGroup var answers: AnswersOptions

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try ExitCode.unlessZero(await PreflightSession.command(answers.source, workspace: workspace, output: output.format))
    }
}
