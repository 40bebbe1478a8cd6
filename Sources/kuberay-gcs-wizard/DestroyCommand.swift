import ArgumentParser
import SetupPlan
import WizardApp

/// `destroy`: show what the workspace's run created and will be removed, confirm, remove it; resumable.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove what this workspace's run created (never what it found); resumable.",
        discussion: """
        Shows the deletions and what is kept first, and runs nothing until confirmed. The bucket is kept unless \
        --delete-bucket is given. Exit status: 0 all removed, 1 a step failed, 2 usage, 130 interrupted.
        """)

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Run without asking (required when standard input is not a terminal).")
    var yes = false

    @Flag(help: "Also delete the bucket and every object in it, when this workspace's run created it.")
    var deleteBucket = false

    @Flag(help: "Delete the cluster even when other workloads run in it.")
    var force = false

    @Option(help: "The preview: text (numbered steps and what is kept) or json.")
    var format: DestroySession.PreviewFormat = .text

    @OptionGroup var flags: RunFlags

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try ExitCode.unlessZero(await DestroySession.command(workspace: workspace, yes: yes, options: DestroyOptions(deleteBucket: deleteBucket, force: force),
                                                    preview: format, settings: flags.settings, output: output.format))
    }
}

extension DestroySession.PreviewFormat: ExpressibleByArgument {}
