extension Plan {
    /// The steps that change the cloud or the cluster, by index: every step but the checks and the API enablement
    /// (which costs nothing). Preflight's gate stands before the first of them, while none is complete.
    public var changingStepIndices: [Int] {
        steps.indices.filter { steps[$0].kind != .check && steps[$0].id != .enableAPIs }
    }

    /// Where preflight's gate stands, given which steps are complete: before the first changing step, or nil once
    /// one of them is complete (what preflight checks, names and quotas, is the run's own by then).
    public func preflightGateIndex(complete: (Int) -> Bool) -> Int? {
        let changing = changingStepIndices
        guard let first = changing.first, !changing.contains(where: complete) else { return nil }
        return first
    }
}
