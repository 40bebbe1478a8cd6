import SetupPlan

extension StepStatus {
    /// What a destroy needs to know of a setup step with this status (see `DestroyPlanBuilder`).
    public var setupRecord: SetupRecord {
        switch self {
        case .done: return .done
        case .alreadyDone: return .found
        case .running, .failed, .interrupted: return .attempted
        case .pending, .skipped: return .notRun
        }
    }
}
