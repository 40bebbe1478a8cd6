import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import Terminal
import WizardModel
import WizardResources

/// The interactive wizard: sets up the first state from the workspace, runs the terminal loop (ncurses calls
/// block and must stay on one thread) or plain mode's line prompts, and returns the exit status.
public enum InteractiveSession {
    /// Runs the wizard in this terminal on the calling thread and returns the exit status.
    ///
    /// Exit status: 0 done or files saved, 1 quit with an unfinished run (the journal stays), 130 quit before
    /// running, 128+n for SIGINT/SIGTERM from outside, 2 when the terminal cannot be used. An unreadable
    /// state.json is printed and exits 2 before the terminal is taken over, as `resume` does, rather than when a
    /// run would start and refuse it.
    public static func run(workspace: String, settings: RunSettings, plain: Bool) throws -> Int32 {
        // Per-step timeout overrides need the plan, which the wizard builds later: the scale and --parallel apply here.
        guard settings.timeouts.isEmpty else {
            throw UsageError("--timeout STEP=SECONDS applies to apply and resume; the wizard takes --timeout-scale")
        }
        let options = try settings.options()
        let display = WizardDisplay.resolve(plainFlag: plain, noColorFlag: settings.noColor)
        // Plain mode reads lines, so it also runs from a pipe or a script's input.
        if !display.plain && (isatty(0) != 1 || isatty(1) != 1) {
            Console.error("""
            kuberay-gcs-wizard needs a terminal for the guided wizard.
            Without one, use the non-interactive forms:
              kuberay-gcs-wizard plan --answers answers.yaml          (show what would run)
              kuberay-gcs-wizard apply --answers answers.yaml --yes   (run it)
            """)
            return 2
        }
        var setup = try SessionSetup(workspace: workspace, options: options, colors: display.color ? .automatic : .never)
        setup.skipPreflight = settings.skipPreflight
        if display.plain { return PlainSession(setup: setup).run() }
        let result = SessionLoop(setup).run()
        // The terminal is restored by now: messages land in the normal screen, where they stay readable.
        if let error = result.error { Console.error(error) }
        if let message = result.message { Console.out(message) }
        guard let after = result.then else { return result.code }
        Console.out("")
        switch after {
        case .session:
            return BlockingRun.exitStatus { try await ForwardSession.run(workspace: workspace, settings: ForwardSession.Settings()) }
        case .submit(let argv):
            return BlockingRun.exitStatus {
                try await SubmitSession.load(workspace: workspace, argv: argv).run(wait: true, view: SubmitView(json: false))
            }
        }
    }
}

/// What the wizard starts from; all of it Sendable, for the UI thread.
public struct SessionSetup: Sendable {
    public var workspace: String
    public var answers: Answers
    public var journal: JournalSummary?
    /// A destroy that started and did not finish (and no setup run came after it).
    public var destroyJournal: JournalSummary?
    public var options: RunOptions
    public var checkScript: String
    public var colors: Terminal.ColorMode
    /// `--skip-preflight`: Review does not check, and the run's journal says so.
    public var skipPreflight = false

    public init(workspace: String, answers: Answers, journal: JournalSummary?, destroyJournal: JournalSummary? = nil, options: RunOptions,
                checkScript: String = WizardResources.bucketProbeScript,
                colors: Terminal.ColorMode = .automatic) {
        self.workspace = workspace
        self.answers = answers
        self.journal = journal
        self.destroyJournal = destroyJournal
        self.options = options
        self.checkScript = checkScript
        self.colors = colors
    }

    /// The setup of `workspace`: its answers.yaml, else its journal's answers, else the defaults; an unreadable
    /// journal is printed and exits 2.
    public init(workspace: String, options: RunOptions, colors: Terminal.ColorMode) throws {
        // A workspace that does not exist yet (the usual first start) has nothing to load: a plain access(2)
        // keeps Foundation's file-system calls out of the way to the first frame.
        var journal: JournalSummary?
        var destroyJournal: JournalSummary?
        var saved: Answers?
        if access(workspace, F_OK) == 0 {
            let folder = URL(fileURLWithPath: workspace)
            journal = try RunSession.loadJournal(workspace: folder).flatMap(Self.summary)
            destroyJournal = try DestroySession.unfinished(workspace: folder).flatMap(Self.summary)
            saved = Self.loadAnswersFile(folder)
        }
        self.init(workspace: workspace, answers: saved ?? journal?.answers ?? Answers(), journal: journal, destroyJournal: destroyJournal,
                  options: options, colors: colors)
    }

    /// The workspace folder; made when first needed, as a URL is not free at start-up.
    public var folder: URL { URL(fileURLWithPath: workspace) }

    /// The wizard's state as it opens.
    public func firstState(now: Date = Date()) -> WizardState {
        WizardState(answers: answers, workspace: workspace, checkScript: checkScript, now: now, journal: journal, destroyJournal: destroyJournal)
    }

    /// The journal as the model sees it; nil when its answers no longer parse (an older version's keys).
    static func summary(_ journal: Journal) -> JournalSummary? {
        guard let answers = try? AnswersFile.load(yaml: journal.normalizedAnswers) else { return nil }
        let rows = journal.steps.map { StepRow(id: $0.id, title: $0.title, status: $0.status, seconds: $0.seconds) }
        return JournalSummary(answers: answers, steps: rows, result: journal.result)
    }

    private static func loadAnswersFile(_ folder: URL) -> Answers? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(WorkspaceFiles.answers).path) else { return nil }
        return try? AnswersFile.load(yaml: String(decoding: data, as: UTF8.self))
    }
}
