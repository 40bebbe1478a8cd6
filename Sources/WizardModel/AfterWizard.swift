/// What runs in the terminal once the wizard has ended, as the command of the same name would.
public enum AfterWizard: Equatable, Sendable {
    /// `session` on the workspace: the Ray dashboard forwarded until Ctrl-C.
    case session
    /// `submit` on the workspace with `argv` as the job's command, followed to its end.
    case submit(argv: [String])
}
