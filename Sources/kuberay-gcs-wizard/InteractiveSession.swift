import RunViews
import Foundation
import RunModel
import SetupPlan
import SetupRunner
import Terminal
import WizardModel
import WizardResources

/// The interactive wizard: sets up the first state from the workspace, runs the terminal loop (ncurses calls
/// block and must stay on one thread) and returns the exit status.
enum InteractiveSession {
    /// Runs the wizard in this terminal on the calling thread and returns the exit status.
    ///
    /// Exit status: 0 done or files saved, 1 quit with an unfinished run (the journal stays), 130 quit before
    /// running, 128+n for SIGINT/SIGTERM from outside, 2 when the terminal cannot be used. An unreadable
    /// state.json is printed and throws exit 2 before the terminal is taken over, as `resume` does, rather
    /// than when a run would start and refuse it.
    static func run(workspace: String, options: RunOptions, display: WizardDisplay) throws -> Int32 {
        // A workspace that does not exist yet (the usual first start) has nothing to load: a plain access(2)
        // keeps Foundation's file-system calls out of the way to the first frame.
        var journal: JournalSummary?
        var saved: Answers?
        if access(workspace, F_OK) == 0 {
            let folder = URL(fileURLWithPath: workspace)
            journal = try RunSession.loadJournal(workspace: folder).flatMap(summary)
            saved = loadAnswersFile(folder)
        }
        let answers = saved ?? journal?.answers ?? Answers()
        let setup = SessionSetup(workspace: workspace, answers: answers, journal: journal, options: options,
                                 helpTexts: WizardResources.fieldHelp, checkScript: WizardResources.bucketCheckScript,
                                 colors: display.color ? .automatic : .never)
        if display.plain { return PlainSession(setup: setup).run() }
        let loop = SessionLoop(setup)
        let result = loop.run()
        // The terminal is restored by now: messages land in the normal screen, where they stay readable.
        if let error = result.error { Console.error(error) }
        if let message = result.message { Console.out(message) }
        return result.code
    }

    /// The journal as the model sees it; nil when its answers no longer parse (an older version's keys).
    private static func summary(_ journal: Journal) -> JournalSummary? {
        guard let answers = try? AnswersFile.load(yaml: journal.normalizedAnswers) else { return nil }
        let rows = journal.steps.map { StepRow(id: $0.id, title: $0.title, status: $0.status, seconds: $0.seconds) }
        return JournalSummary(answers: answers, steps: rows, result: journal.result)
    }

    private static func loadAnswersFile(_ folder: URL) -> Answers? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("answers.yaml").path) else { return nil }
        return try? AnswersFile.load(yaml: String(decoding: data, as: UTF8.self))
    }
}

/// What the UI thread needs to start; all of it Sendable.
struct SessionSetup: Sendable {
    var workspace: String
    var answers: Answers
    var journal: JournalSummary?
    var options: RunOptions
    var helpTexts: [String: String]
    var checkScript: String
    var colors: Terminal.ColorMode

    /// The workspace folder; made when first needed, as a URL is not free at start-up.
    var folder: URL { URL(fileURLWithPath: workspace) }
}

/// How the session ended.
struct SessionResult: Sendable {
    var code: Int32
    /// Printed to stdout after the terminal is restored (how to resume, where the files are).
    var message: String?
    var error: String?
}
