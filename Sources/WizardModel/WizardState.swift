import Cells
import Foundation
import SetupPlan
import RunModel

/// Everything the wizard shows and remembers; `update` changes it, `WizardView.render` draws it.
public struct WizardState: Equatable, Sendable {
    public var screen: Screen
    public var overlay: Overlay?
    public var size: Size
    /// ASCII glyphs instead of UTF-8 ones (the locale is not UTF-8).
    public var asciiOnly: Bool
    /// The last clock tick: elapsed times and the spinner are computed from it.
    public var now: Date

    /// The answers as edited so far (only valid text is written here; drafts live in `editors`).
    public var answers: Answers
    /// Text and number fields' buffers by key path; they keep what was typed even when it is not valid yet.
    public var editors: [String: LineEditor]
    /// Index of the focused field among the current page's applicable fields.
    public var focus: Int
    /// Messages shown beside fields, by key path (the answers file's messages).
    public var errors: [String: String]
    /// Fields the person changed; detected defaults never overwrite them.
    public var edited: Set<String>

    /// The in-pod bucket check program the plan embeds.
    public let checkScript: String
    /// The workspace folder as the person named it (shown in messages and the resume command).
    public let workspace: String

    /// What the environment detection found; nil while it runs.
    public var detection: Detection?
    /// The plan and its preview while reviewing (built on entering the review, not on every key).
    public var review: ReviewState?
    /// The current or last run.
    public var run: RunProgress?
    /// The destroy being previewed, confirmed or run (`run` then runs its plan).
    public var destroy: DestroyState?
    /// What the workspace journal holds (from the start, or from a run in this session).
    public var journal: JournalSummary?
    /// A destroy of the workspace's run that started and did not finish: the Resume screen continues it.
    public var destroyJournal: JournalSummary?
    /// Steps of this workspace have run before (in this session or an earlier one): a new run checks them first.
    public var hasEarlierRun: Bool { run != nil || journal != nil }
    /// A step's log shown full screen.
    public var log: LogView?
    /// doctor's checklist while checking an existing setup.
    public var doctor: DoctorProgress?
    /// Focused button on screens with a row of actions (review, stopped, resume).
    public var actionFocus: Int
    /// Welcome's check opened the pages to name the setup: Enter on the last page checks it instead of reviewing a plan.
    public var checksAfterPages = false
    /// A one-line message on the current screen (e.g. files could not be written).
    public var message: String?
    /// The exit status a SIGINT/SIGTERM asked for while a run was going: the wizard leaves once the run stopped.
    public var exitAfterRun: Int32?
    /// A run is going: no result and no start error yet (the runtime ticks the clock meanwhile).
    public var isRunActive: Bool { run?.isActive ?? false }

    /// The first state. With an unfinished `journal`, or a `destroyJournal`, the wizard opens on the resume screen.
    public init(
        answers: Answers = Answers(), workspace: String, checkScript: String = "",
        size: Size = .minimum, asciiOnly: Bool = false, now: Date = Date(timeIntervalSince1970: 0), journal: JournalSummary? = nil,
        destroyJournal: JournalSummary? = nil
    ) {
        self.screen = journal?.isUnfinished == true || destroyJournal != nil ? .resume : .welcome
        self.overlay = nil
        self.size = size
        self.asciiOnly = asciiOnly
        self.now = now
        self.answers = answers
        self.editors = Self.editors(for: answers)
        self.focus = 0
        self.errors = [:]
        self.edited = []
        self.checkScript = checkScript
        self.workspace = workspace
        self.detection = nil
        self.review = nil
        self.run = nil
        self.destroy = nil
        self.journal = journal
        self.destroyJournal = destroyJournal
        self.log = nil
        self.doctor = nil
        self.actionFocus = 0
        self.message = nil
        self.exitAfterRun = nil
    }

    /// Fresh buffers for every text and number field, holding the answers' values.
    static func editors(for answers: Answers) -> [String: LineEditor] {
        var editors: [String: LineEditor] = [:]
        for field in AnswerFields.all + WorkerGroupFields.fields(in: answers).filter({ $0.isApplicable(in: answers) }) {
            switch field.kind {
            case .text, .integer: editors[field.path] = LineEditor(field.get(answers) ?? "")
            case .boolean, .choice: break
            }
        }
        return editors
    }
}

/// What the workspace journal says about an earlier run.
public struct JournalSummary: Equatable, Sendable {
    /// The answers the journal was written for.
    public var answers: Answers
    /// Every step with what the journal knows of it.
    public var steps: [StepRow]
    /// How the last run ended; nil when it never finished (crash, kill).
    public var result: RunResult?

    /// A journal summary.
    public init(answers: Answers, steps: [StepRow], result: RunResult?) {
        self.answers = answers
        self.steps = steps
        self.result = result
    }

    /// Some step is not done and the run did not succeed: worth resuming.
    public var isUnfinished: Bool {
        result != .succeeded && steps.contains { !$0.status.isComplete && $0.status != .skipped }
    }

    /// The step where the run stopped: the first failed or interrupted one, else the first not complete.
    public var stopIndex: Int? {
        steps.firstIndex { $0.status == .failed || $0.status == .interrupted || $0.status == .running }
            ?? steps.firstIndex { !$0.status.isComplete && $0.status != .skipped }
    }
}
