/// The screen the wizard shows; overlays (help, quit question, log) sit on top of it.
public enum Screen: Equatable, Hashable, Sendable {
    /// What will be set up and what was detected.
    case welcome
    /// One page of questions, an index into `WizardPage.all`.
    case page(Int)
    /// The summary and the dry-run preview.
    case review
    /// Steps running with live status.
    case run
    /// A run that failed, was interrupted or could not start, with what to do next.
    case stopped
    /// An unfinished journal found at start: resume, start over or quit.
    case resume
    /// Everything done, with next steps.
    case done
    /// doctor's live checklist of an existing setup.
    case doctor
    /// What a destroy would remove and keep, before it runs.
    case destroy
}

/// A layer drawn over the screen that takes the keys while it is open.
public enum Overlay: Equatable, Hashable, Sendable {
    /// The keys of the screen below.
    case help
    /// "Quit the wizard?" after Ctrl-C.
    case confirmQuit
    /// A step's whole log, full screen.
    case log
    /// "Delete these?", or the bucket's name typed out when the bucket goes.
    case confirmDestroy
}
