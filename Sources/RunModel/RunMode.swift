/// How `SetupRunner.run` treats the journal it finds.
public enum RunMode: String, Sendable, Equatable {
    /// `apply`: start a journal (or reuse one for the same answers) and probe every step again.
    case fresh
    /// `resume`: continue at the first step not complete; refuses changed answers.
    case resume
    /// `resume --replan`: accept changed answers; probe again what can be probed, keep the rest while unchanged.
    case replan
}
