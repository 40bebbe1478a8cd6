import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan
import SetupRunner

/// `destroy`: show what the workspace's run created and will be removed, confirm, remove it; resumable.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove what this workspace's run created (never what it found); resumable.",
        discussion: """
        Shows the deletions and what is kept first, and runs nothing until confirmed. The bucket is kept unless \
        --delete-bucket is given. Exit status: 0 all removed, 1 a step failed, 2 usage, 130 interrupted.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The workspace folder of the run.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Run without asking (required when standard input is not a terminal).")
    var yes = false

    @Flag(help: "Also delete the bucket and every object in it, when this workspace's run created it.")
    var deleteBucket = false

    @Flag(help: "Delete the cluster even when other workloads run in it.")
    var force = false

    @Option(help: "The preview: text (numbered steps and what is kept) or json.")
    var format: Format = .text

    @OptionGroup var flags: RunFlags

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let folder = URL(fileURLWithPath: workspace)
        guard let session = try DestroySession.load(workspace: folder, options: DestroyOptions(deleteBucket: deleteBucket, force: force))
        else { return }
        let destroy = session.destroy
        let options = try flags.options(for: destroy.plan)
        let deletes = destroy.plan.steps.contains { $0.kind == .delete }
        if output.format == .json {
            // Only the run's events on standard output: no preview and no question in a log.
            guard yes || !deletes else {
                Console.error("error: --output json runs without asking: add --yes (destroy --format json without --yes shows what would go)")
                throw ExitCode(2)
            }
            let code = try await session.run(options: options, verbose: false, output: .json)
            if code != 0 { throw ExitCode(code) }
            return
        }
        switch format {
        case .text: Console.out(DestroyPlanText.render(destroy))
        case .json: Console.out(DestroyPlanJSON.render(destroy))
        }
        if deletes && !yes && isatty(0) != 1 {
            // The preview above is all that happens: a script reviews it, then runs again with --yes.
            Console.error("error: standard input is not a terminal, so destroy cannot ask before deleting; nothing was deleted. "
                + "Add --yes to run (--delete-bucket --yes to delete the bucket too)")
            throw ExitCode(2)
        }
        if deletes && !yes {
            guard try await confirm(destroy) else {
                Console.out("Nothing was deleted.")
                return
            }
        }
        let code = try await session.run(options: options, verbose: flags.verbose, color: WizardDisplay.colorsLines(noColorFlag: flags.noColor))
        if code != 0 { throw ExitCode(code) }
    }

    /// Asks before deleting: the bucket's name typed out when it goes (with what it holds), else y/N.
    private func confirm(_ destroy: DestroyPlan) async throws -> Bool {
        guard destroy.deletesBucket else {
            FileHandle.standardOutput.write(Data("Delete these? [y/N] ".utf8))
            let reply = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return reply == "y" || reply == "yes"
        }
        let bucket = destroy.plan.answers.bucket.name
        Console.out("gs://\(bucket) holds " + (await BucketUsage.read(destroy.bucketContents)) + "; deleting it cannot be undone.")
        FileHandle.standardOutput.write(Data("Type the bucket name to delete it and everything above: ".utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == bucket
    }
}
