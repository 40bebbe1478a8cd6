import Cells

/// What a key means on a screen; `update` acts on commands, not on raw keys.
public enum Command: Equatable, Hashable, Sendable {
    case help, interrupt, quit
    case nextField, previousField, submit, back
    case pickNext, pickPrevious
    case addGroup, removeGroup
    case scrollUp, scrollDown, pageUp, pageDown, scrollTop, scrollBottom
    case nextTab, previousTab, showTab(PreviewTab)
    case nextAction, previousAction, activate
    /// A screen's button by its hotkey.
    case action(ScreenAction)
    case selectPrevious, selectNext, viewLog
    /// Welcome: check an existing setup (doctor) instead of making one.
    case checkSetup
    /// Done: end the wizard and forward the Ray dashboard (`session`).
    case openSession
    /// Done: end the wizard and run the example job that writes to the bucket (`submit`).
    case submitExample
    case confirm, dismiss
}

/// The buttons of the review, stopped and resume screens.
public enum ScreenAction: String, Equatable, Hashable, Sendable {
    case run = "Run"
    case save = "Save files and quit"
    case edit = "Back to edit"
    case retry = "Retry"
    case skip = "Skip"
    case resume = "Resume"
    case editAnswers = "Edit answers"
    case showChecks = "Show the checks"
    case startOver = "Start over"
    case quit = "Quit"
    case destroy = "Destroy"
    case toggleBucket = "Bucket: keep/delete"
    case back = "Back"
}

/// Which set of keys applies: the screen, or the kind of field focused on a page, or an overlay.
public enum KeyContext: Equatable, Hashable, Sendable {
    case welcome, textField, choiceField, review, run, stopped, resume, done, doctor, destroy
    /// The resume screen of an unfinished destroy: resume or quit.
    case resumeDestroy
    case help, confirmQuit, log, confirmDestroy
    /// A field on the worker groups page, where groups are added and removed.
    case groupTextField, groupChoiceField

    /// A text or number field is focused (the line-editing keys apply).
    public var editsText: Bool { self == .textField || self == .groupTextField }
}

/// One key binding: the keys, how the footer and help name them, and the command.
public struct KeyBinding: Equatable, Sendable {
    public var keys: [Key]
    /// The keys as shown, e.g. `Tab` or `←/→`.
    public var label: String
    public var description: String
    public var command: Command
    /// Shown in the footer (the rest only in the `?` overlay).
    public var inFooter: Bool
    /// How the `?` overlay names the keys and what they do; a footer label such as `↑/↓ scroll` speaks for
    /// two bindings, but the overlay lists each of them once.
    public var helpLabel: String
    public var helpDescription: String

    init(_ keys: [Key], _ label: String, _ description: String, _ command: Command, footer: Bool = true,
         help: (label: String, description: String)? = nil) {
        self.keys = keys
        self.label = label
        self.description = description
        self.command = command
        self.inFooter = footer
        self.helpLabel = help?.label ?? label
        self.helpDescription = help?.description ?? description
    }
}

/// Every key of every screen and the command it stands for, in one place.
public enum KeyBindings {
    /// The command `key` stands for in `context`, or nil (on a text field: an editing key).
    public static func command(for key: Key, in context: KeyContext) -> Command? {
        for binding in bindings(context) where binding.keys.contains(key) {
            return binding.command
        }
        return nil
    }

    /// Scrolling a pane of text (the review's tabs, doctor's checklist).
    static let scrolling = [
        KeyBinding([.down, .char("j")], "↑/↓", "scroll", .scrollDown, help: ("↓ j", "scroll down")),
        KeyBinding([.up, .char("k")], "↑ k", "scroll up", .scrollUp, footer: false),
        KeyBinding([.pageDown, .char(" ")], "PgDn", "page down", .pageDown, footer: false),
        KeyBinding([.pageUp], "PgUp", "page up", .pageUp, footer: false),
        KeyBinding([.home, .char("g")], "Home g", "top", .scrollTop, footer: false),
        KeyBinding([.end, .char("G")], "End G", "bottom", .scrollBottom, footer: false),
    ]

    /// A row of buttons under a scrolling pane (review, destroy), then help and Ctrl-C.
    static let buttons = [
        KeyBinding([.tab], "Tab", "next button", .nextAction, footer: false),
        KeyBinding([.backTab], "S-Tab", "previous button", .previousAction, footer: false),
        KeyBinding([.enter], "Enter", "press button", .activate, footer: false),
        KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
        KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
    ]

    /// The bindings of `context`, in the order help and the footer list them.
    public static func bindings(_ context: KeyContext) -> [KeyBinding] {
        switch context {
        case .welcome:
            return [
                KeyBinding([.enter], "Enter", "start", .submit),
                KeyBinding([.char("c")], "c", "check an existing setup", .checkSetup),
                KeyBinding([.char("d")], "d", "destroy the finished run", .action(.destroy), footer: false),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
                KeyBinding([.char("q")], "q", "quit", .quit),
                KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
            ]
        case .textField, .choiceField, .groupTextField, .groupChoiceField:
            var list = [
                KeyBinding([.tab, .down], "Tab/↓", "next", .nextField),
                KeyBinding([.backTab, .up], "S-Tab/↑", "prev", .previousField),
            ]
            if context == .choiceField || context == .groupChoiceField {
                list.append(KeyBinding([.left], "←/→", "choose", .pickPrevious, help: ("←", "previous option")))
                list.append(KeyBinding([.right, .char(" ")], "→/Space", "next option", .pickNext, footer: false))
            }
            list.append(KeyBinding([.enter], "Enter", "continue", .submit))
            if context == .groupTextField || context == .groupChoiceField {
                list.append(KeyBinding([.ctrl("n")], "^N", "add group", .addGroup, help: ("Ctrl-N", "add a worker group")))
                list.append(KeyBinding([.ctrl("x")], "^X", "remove group", .removeGroup, help: ("Ctrl-X", "remove the focused worker group")))
            }
            list += [
                KeyBinding([.escape], "Esc", "back", .back),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
                KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
            ]
            return list
        case .review:
            return [
                KeyBinding([.char("r")], "r", "run", .action(.run)),
                KeyBinding([.char("s")], "s", "save and quit", .action(.save)),
                KeyBinding([.char("e"), .escape], "Esc", "edit", .action(.edit)),
                KeyBinding([.right], "←/→", "tab", .nextTab, help: ("→", "next tab")),
                KeyBinding([.left], "←", "previous tab", .previousTab, footer: false),
                KeyBinding([.char("1")], "1", "Commands", .showTab(.commands), footer: false),
                KeyBinding([.char("2")], "2", PreviewTab.manifest.title, .showTab(.manifest), footer: false),
                KeyBinding([.char("3")], "3", PreviewTab.script.title, .showTab(.script), footer: false),
                KeyBinding([.char("4")], "4", "preflight's checks", .showTab(.checks), footer: false),
            ] + scrolling + buttons
        case .doctor:
            return scrolling + [
                KeyBinding([.escape], "Esc", "back", .back),
                KeyBinding([.char("q")], "q", "quit", .quit),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
                KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
            ]
        case .run:
            return [
                KeyBinding([.up, .char("k")], "↑/↓", "select step", .selectPrevious, help: ("↑ k", "previous step")),
                KeyBinding([.down, .char("j")], "↓ j", "next step", .selectNext, footer: false),
                KeyBinding([.char("l")], "l", "view log", .viewLog),
                KeyBinding([.ctrl("c")], "Ctrl-C", "stop", .interrupt),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
            ]
        case .stopped, .resume, .resumeDestroy:
            var list = [
                KeyBinding([.tab, .right], "Tab/→", "next button", .nextAction),
                KeyBinding([.backTab, .left], "S-Tab/←", "previous button", .previousAction, footer: false),
                KeyBinding([.enter], "Enter", "press", .activate),
            ]
            if context == .stopped {
                list += [
                    KeyBinding([.char("r")], "r", "retry", .action(.retry), footer: false),
                    KeyBinding([.char("s")], "s", "skip", .action(.skip), footer: false),
                    KeyBinding([.char("e")], "e", "edit answers", .action(.editAnswers), footer: false),
                    KeyBinding([.char("c")], "c", "preflight's checks, on Review", .action(.showChecks), footer: false),
                    KeyBinding([.char("l")], "l", "view log", .viewLog),
                ]
            } else if context == .resumeDestroy {
                list += [KeyBinding([.char("r")], "r", "resume the destroy", .action(.resume), footer: false)]
            } else {
                list += [
                    KeyBinding([.char("r")], "r", "resume", .action(.resume), footer: false),
                    KeyBinding([.char("o")], "o", "start over", .action(.startOver), footer: false),
                    KeyBinding([.char("d")], "d", "destroy", .action(.destroy), footer: false),
                ]
            }
            list += [
                KeyBinding([.char("q")], "q", "quit", .action(.quit)),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
                KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
            ]
            return list
        case .done:
            return [
                KeyBinding([.char("q"), .enter, .escape], "q/Enter", "quit", .quit),
                KeyBinding([.char("s")], "s", "dashboard", .openSession,
                           help: ("s", "end the wizard and forward the Ray dashboard (session)")),
                KeyBinding([.char("j")], "j", "test job", .submitExample,
                           help: ("j", "end the wizard and submit a test job that writes to the bucket")),
                KeyBinding([.char("l")], "l", "view verify log", .viewLog),
                KeyBinding([.char("d")], "d", "destroy", .action(.destroy)),
                KeyBinding([.char("?"), .function(1)], "?", "keys", .help),
                KeyBinding([.ctrl("c")], "Ctrl-C", "quit", .interrupt, footer: false),
            ]
        case .destroy:
            return [
                KeyBinding([.char("d")], "d", "destroy", .action(.destroy)),
                KeyBinding([.char("b")], "b", "bucket", .action(.toggleBucket)),
                KeyBinding([.escape], "Esc", "back", .action(.back)),
            ] + scrolling + buttons
        case .help:
            return [KeyBinding([.escape, .enter, .char("?"), .char("q")], "Esc", "close", .dismiss)]
        case .confirmQuit:
            return [
                KeyBinding([.char("y"), .char("Y"), .ctrl("c")], "y", "quit", .confirm),
                KeyBinding([.char("n"), .char("N"), .escape, .enter], "n/Esc", "stay", .dismiss),
            ]
        case .confirmDestroy:
            return [
                KeyBinding([.enter], "Enter", "confirm", .confirm),
                KeyBinding([.escape, .ctrl("c")], "Esc", "cancel", .dismiss),
            ]
        case .log:
            return [
                KeyBinding([.down, .char("j")], "↑/↓", "scroll", .scrollDown, help: ("↓ j", "scroll down")),
                KeyBinding([.up, .char("k")], "↑ k", "scroll up", .scrollUp, footer: false),
                KeyBinding([.pageDown, .char(" ")], "PgUp/PgDn", "page", .pageDown, help: ("PgDn", "page down")),
                KeyBinding([.pageUp], "PgUp", "page up", .pageUp, footer: false),
                KeyBinding([.home, .char("g")], "Home/End", "top/bottom", .scrollTop, help: ("Home g", "top")),
                KeyBinding([.end, .char("G")], "End G", "bottom", .scrollBottom, footer: false),
                KeyBinding([.escape, .char("q"), .char("l")], "Esc", "close", .dismiss),
                KeyBinding([.ctrl("c")], "Ctrl-C", "close", .dismiss, footer: false),
            ]
        }
    }

    /// Keys a text field handles itself, for the `?` overlay.
    public static let lineEditing: [(label: String, description: String)] = [
        ("←/→ Home/End", "move the cursor (also Ctrl-A, Ctrl-E)"),
        ("Backspace/Del", "delete a character"),
        ("Ctrl-U / Ctrl-K", "delete to the start / to the end"),
        ("paste", "inserts the text (line breaks become spaces)"),
    ]
}
