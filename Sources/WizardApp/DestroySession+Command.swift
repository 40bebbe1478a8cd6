import Foundation
import RunViews
import SetupPlan

extension DestroySession {
    /// How `destroy` shows what it will remove.
    public enum PreviewFormat: String, Sendable, CaseIterable {
        /// Numbered steps and what is kept.
        case text
        case json
    }

    /// `destroy`: shows what the workspace's run created and will be removed, asks (the bucket's name typed out when
    /// it goes), removes it. Returns 0 destroyed or nothing to do, 1 a step failed, 2 refused, 130 interrupted.
    public static func command(workspace: String, yes: Bool, options choices: DestroyOptions, preview: PreviewFormat,
                               settings: RunSettings, output: OutputFormat) async throws -> Int32 {
        let folder = URL(fileURLWithPath: workspace)
        guard let session = try load(workspace: folder, options: choices) else { return 0 }
        let destroy = session.destroy
        let options = try settings.options(for: destroy.plan)
        let deletes = destroy.plan.steps.contains { $0.kind == .delete }
        if output == .json {
            // Only the run's events on standard output: no preview and no question in a log.
            guard yes || !deletes else {
                Console.error("error: --output json runs without asking: add --yes (destroy --format json without --yes shows what would go)")
                return 2
            }
            return try await session.run(options: options, verbose: false, output: .json)
        }
        switch preview {
        case .text: Console.out(DestroyPlanText.render(destroy))
        case .json: Console.out(DestroyPlanJSON.render(destroy))
        }
        if deletes && !yes && isatty(0) != 1 {
            // The preview above is all that happens: a script reviews it, then runs again with --yes.
            Console.error("error: standard input is not a terminal, so destroy cannot ask before deleting; nothing was deleted. "
                + "Add --yes to run (--delete-bucket --yes to delete the bucket too)")
            return 2
        }
        if deletes && !yes {
            guard await confirm(destroy) else {
                Console.out("Nothing was deleted.")
                return 0
            }
        }
        return try await session.run(options: options, verbose: settings.verbose, color: settings.colorsLines)
    }

    /// Asks before deleting: the bucket's name typed out when it goes (with what it holds), else y/N.
    private static func confirm(_ destroy: DestroyPlan) async -> Bool {
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
