import SetupPlan
import RunModel

extension JournalSummary {
    /// Fresh without a journal; with one: continue it for the same answers, re-plan it for changed ones
    /// (complete steps stay complete), or probe everything again after it succeeded.
    public static func runMode(after journal: JournalSummary?, for answers: Answers) -> RunMode {
        guard let journal else { return .fresh }
        if journal.answers != answers { return .replan }
        return journal.isUnfinished ? .resume : .fresh
    }
}
