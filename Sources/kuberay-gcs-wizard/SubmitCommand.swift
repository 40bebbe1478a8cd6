import ArgumentParser
import RunViews
import SetupPlan
import WizardApp

/// `submit`: a RayJob on the wizard's RayCluster, followed to its end.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run a command as a RayJob on the setup's RayCluster, as the KSA, and follow it to its end.",
        discussion: """
        Writes a RayJob (jobs/NAME.yaml in the workspace) whose entrypoint is the command after --, each word kept as \
        given, applies it through the setup's kube context, prints its status as KubeRay writes it and the submitter's \
        log (the job's output), and exits with the job's result. The submitter runs as the KSA and reads the Ray token \
        from the cluster's Secret. With the bucket mounted, code copied to gs://BUCKET/code/ is at MOUNT/code/. \
        Exit status: 0 succeeded (or submitted, with --no-wait), 1 the job failed (KubeRay's reason is printed), \
        2 usage or nothing submitted (no finished setup, the RayCluster is gone), 130 interrupted (the job runs on).
        """)

    @Option(help: "The workspace folder of a finished setup.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(inversion: .prefixedNo, help: "Follow the job to its end (--no-wait: submit, print how to follow it, exit).")
    var wait = true

    @OptionGroup var output: OutputOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command the job runs, after --.", valueName: "entrypoint"))
    var entrypoint: [String] = []

    func run() async throws {
        let session = try SubmitSession.load(workspace: workspace, argv: entrypoint)
        try ExitCode.unlessZero(await session.run(wait: wait, view: SubmitView(json: output.format == .json)))
    }
}
