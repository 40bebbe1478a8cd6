extension Plan {
    /// The steps that change the cloud or the cluster, by index: every step but the checks and the API enablement
    /// (which costs nothing). Preflight's gate stands before them all, while none may have created anything.
    public var changingStepIndices: [Int] {
        steps.indices.filter { steps[$0].kind != .check && steps[$0].id != .enableAPIs }
    }

    /// Where preflight's gate stands, given which steps may have created something: right after the API enablement
    /// (no later step starts before it decides, so its checklist comes before the plan's own checks of an existing
    /// cluster, which say less) and never after the first changing step; nil once a changing step may have created
    /// something (what preflight checks, names and quotas, may be the run's own by then: an interrupted cluster
    /// create leaves a cluster whose name preflight would call taken).
    public func preflightGateIndex(mayHaveCreated: (Int) -> Bool) -> Int? {
        let changing = changingStepIndices
        guard let first = changing.first, !changing.contains(where: mayHaveCreated) else { return nil }
        let afterAPIs = steps.firstIndex { $0.id == .enableAPIs }.map { $0 + 1 } ?? first
        return min(first, afterAPIs)
    }
}
