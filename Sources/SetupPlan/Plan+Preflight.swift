extension Plan {
    /// The steps that change the cloud or the cluster, by index: every step but the checks and the API enablement
    /// (which costs nothing). Preflight's gate stands before the first of them, while none is complete.
    public var changingStepIndices: [Int] {
        steps.indices.filter { steps[$0].kind != .check && steps[$0].id != .enableAPIs }
    }

    /// Where preflight's gate stands, given which steps may have created something: before the first changing step,
    /// or nil once one of them may have (what preflight checks, names and quotas, may be the run's own by then: an
    /// interrupted cluster create leaves a cluster whose name preflight would call taken).
    public func preflightGateIndex(mayHaveCreated: (Int) -> Bool) -> Int? {
        let changing = changingStepIndices
        guard let first = changing.first, !changing.contains(where: mayHaveCreated) else { return nil }
        return first
    }
}
