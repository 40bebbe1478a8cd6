import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan
import SetupRunner

/// `apply`: export, show, confirm, run.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run the plan with live progress; resumable.",
        discussion: "Exit status: 0 all done, 1 a step failed (see status), 2 usage or invalid answers, 130 interrupted.")

    @OptionGroup var answers: AnswersOptions

    @Option(help: "The workspace folder for answers, plan files, journal and logs.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Flag(help: "Run without asking (required when standard input is not a terminal).")
    var yes = false

    @OptionGroup var flags: RunFlags

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let loaded = try answers.load()
        let plan = RunSession.plan(for: loaded)
        let options = try flags.options(for: plan)
        let folder = URL(fileURLWithPath: workspace)
        try RunSession.checkJournal(workspace: folder, answers: loaded, allowChanged: false)
        let interactive = isatty(0) == 1
        if !yes && !interactive {
            Console.error("error: standard input is not a terminal, so apply cannot ask before running; add --yes to run, or use plan to review first")
            throw ExitCode(2)
        }
        // JSON puts only events on standard output: no preview to read and no question to answer in a log.
        if output.format == .json && !yes {
            Console.error("error: --output json runs without asking: add --yes (plan --format json shows what would run)")
            throw ExitCode(2)
        }
        _ = try WorkspaceExport.write(plan, to: folder)
        if output.format == .json {
            let code = try await RunSession.run(plan: plan, workspace: folder, mode: .fresh, options: options, verbose: false, output: .json)
            if code != 0 { throw ExitCode(code) }
            return
        }
        Console.out(PlanText.render(plan))
        Console.out("Workspace: \(folder.path) (answers.yaml, raycluster.yaml, setup.sh, state.json, logs/)")
        if !yes {
            FileHandle.standardOutput.write(Data("Proceed? [y/N] ".utf8))
            let reply = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard reply == "y" || reply == "yes" else {
                Console.out("Nothing was run.")
                return
            }
        }
        let code = try await RunSession.run(plan: plan, workspace: folder, mode: .fresh, options: options, verbose: flags.verbose,
                                            color: WizardDisplay.colorsLines(noColorFlag: flags.noColor))
        if code != 0 { throw ExitCode(code) }
    }
}
