import Foundation
import RunModel
import RunViews
import SetupPlan
import Synchronization
import WizardModel

/// The wizard as line prompts (`--plain`, or TERM=dumb) for screen readers and terminals where a full-screen UI
/// is unwelcome: the pages' questions with the default in [brackets], the pages' checks and messages, the plan
/// as `apply` shows it and a confirm, then `apply`'s line output. Exit status as the full-screen wizard's.
public struct PlainSession {
    let setup: SessionSetup

    public init(setup: SessionSetup) { self.setup = setup }

    /// What the person chose after the preview.
    private enum Choice { case run, save, edit, quit }

    /// Asks, previews, confirms and runs; returns the exit status.
    public func run() -> Int32 {
        var answers = setup.answers
        if let destroy = setup.destroyJournal {
            let done = destroy.steps.filter { $0.status.isComplete }.count
            say("\(setup.workspace) holds a destroy that stopped with \(done) of \(destroy.steps.count) steps done: "
                + "\(WorkspaceFiles.resumeCommand(workspace: setup.workspace)) continues it.")
        } else if let journal = setup.journal, journal.isUnfinished {
            let done = journal.steps.filter { $0.status.isComplete }.count
            say("\(setup.workspace) holds a run that stopped with \(done) of \(journal.steps.count) steps done. "
                + "The questions start from its answers; unchanged answers continue it.")
        }
        say("Answer each question and press Enter; Enter alone keeps the value in [brackets].")
        var page = 0
        while true {
            while page < WizardPage.all.count {
                guard ask(page: page, &answers) else { return quitBeforeRunning() }
                page += 1
            }
            let problems = Validator.validate(answers)
            if let first = problems.first {
                say("")
                for problem in problems { say("error: \(problem)") }
                page = WizardPage.index(of: first.path)
                continue
            }
            let plan = PlanBuilder.build(answers, checkScript: setup.checkScript)
            say("")
            say(PlanText.render(plan))
            say("Workspace: \(setup.workspace) (\(plan.workspaceListing))")
            switch confirm() {
            case .run: return run(plan)
            case .save: return save(plan)
            case .edit: page = 0
            case .quit: return quitBeforeRunning()
            }
        }
    }

    /// Asks the questions of one page in order, each until its answer passes; false at end of input.
    private func ask(page index: Int, _ answers: inout Answers) -> Bool {
        let page = WizardPage.all[index]
        say("")
        say("\(page.title) (\(index + 1) of \(WizardPage.all.count))")
        if page.listsWorkerGroups {
            // The groups are a list the full-screen page edits with keys; lines cannot, so they are shown as they are.
            say("  Worker groups: \(ReviewSummary.workers(answers))")
            say("  To change them: save the files (s at the end), edit ray.workers in \(WorkspaceFiles.answers), then run apply --answers with it.")
        }
        // Applicability is looked at as each question comes, so an earlier answer (the cluster mode) decides the rest.
        for path in page.paths {
            guard let field = AnswerFields.field(path), field.isApplicable(in: answers) else { continue }
            say("  " + field.help)
            while true {
                prompt(LinePrompt.question(field, in: answers))
                guard let line = readAnswer() else { return false }
                guard let problem = LinePrompt.answer(line, to: field, in: &answers) else { break }
                say("error: \(problem)")
            }
            FieldCheck.resetInapplicable(&answers)
        }
        return true
    }

    private func confirm() -> Choice {
        while true {
            prompt("Proceed? y runs it, s saves the files only, e edits the answers [N]: ")
            guard let line = readAnswer() else { return .quit }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "y", "yes": return .run
            case "s", "save": return .save
            case "e", "edit": return .edit
            case "", "n", "no": return .quit
            default: say("error: answer y, s, e or n")
            }
        }
    }

    private func run(_ plan: Plan) -> Int32 {
        let folder = setup.folder
        let mode = JournalSummary.runMode(after: setup.journal, for: plan.answers)
        let options = setup.options
        let color = setup.colors == .automatic && WizardDisplay.colorsLines(noColorFlag: false)
        do {
            _ = try WorkspaceExport.write(plan, to: folder)
            // Preflight at the run's gate (after the APIs are enabled), its checks printed as they are decided.
            let gate = try RunSession.gate(plan: plan, workspace: folder, settings: RunSettings(skipPreflight: setup.skipPreflight),
                                           earlier: nil, output: .text)
            return try Self.wait {
                try await RunSession.run(plan: plan, workspace: folder, mode: mode, options: options, verbose: false, color: color, gate: gate)
            }
        } catch {
            Console.error("error: \(error)")
            return 2
        }
    }

    private func save(_ plan: Plan) -> Int32 {
        do {
            _ = try WorkspaceExport.write(plan, to: setup.folder)
        } catch {
            Console.error("error: could not write the files: \(error)")
            return 2
        }
        say(WizardState.savedFilesMessage(plan, workspace: setup.workspace))
        return 0
    }

    private func quitBeforeRunning() -> Int32 {
        say("")
        say("Nothing was run.")
        return 130
    }

    private func say(_ text: String) { Console.out(text) }

    /// A line of input; from a pipe or file it is also written out, as a terminal echoes what is typed, so the
    /// transcript reads the same.
    private func readAnswer() -> String? {
        let line = readLine()
        if let line, isatty(0) != 1 { say(line) }
        return line
    }

    private func prompt(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    /// Runs async work from this synchronous session (the wizard's own thread, never a concurrency thread).
    private static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task {
            do {
                let value = try await body()
                result.withLock { $0 = .success(value) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        // The task has set the result before it signals.
        return try (result.withLock { $0 } ?? .failure(CancellationError())).get()
    }
}
