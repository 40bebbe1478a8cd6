/// What `destroy` removes (a plan of delete steps, each probed "already gone" first) and what it keeps, and why.
public struct DestroyPlan: Equatable, Sendable {
    /// The delete steps in the order they run; `plan.answers` are the setup's answers.
    public var plan: Plan
    /// What stays, each with the reason.
    public var kept: [KeptItem]
    /// The bucket is deleted with its objects (`--delete-bucket` and the run created it).
    public var deletesBucket: Bool
    /// Lists the bucket's objects with a `TOTAL:` line, shown before the bucket is deleted.
    public var bucketContents: [String]

    public init(plan: Plan, kept: [KeptItem], deletesBucket: Bool, bucketContents: [String]) {
        self.plan = plan
        self.kept = kept
        self.deletesBucket = deletesBucket
        self.bucketContents = bucketContents
    }
}

/// Something `destroy` leaves in place.
public struct KeptItem: Equatable, Hashable, Sendable, Codable {
    public var subject: String
    public var why: String

    public init(subject: String, why: String) {
        self.subject = subject
        self.why = why
    }
}

/// What the setup journal says a step did, as far as destroy cares.
public enum SetupRecord: Equatable, Sendable {
    /// The step ran and succeeded: it made (or changed) the thing.
    case done
    /// Its probe found the thing there already: someone else made it.
    case found
    /// It started but did not finish (failed, interrupted, or killed while running): the thing may exist.
    case attempted
    /// It never ran (pending or skipped).
    case notRun
}

/// The choices a destroy is run with.
public struct DestroyOptions: Equatable, Sendable {
    /// Delete the bucket (and every object in it) when the run created it.
    public var deleteBucket: Bool
    /// Delete a cluster the run created even when other workloads run in it.
    public var force: Bool

    public init(deleteBucket: Bool = false, force: Bool = false) {
        self.deleteBucket = deleteBucket
        self.force = force
    }

    /// The options a destroy with these steps was started with, so continuing it keeps them.
    public init(ofSteps steps: [StepID]) {
        let ids = Set(steps)
        self.init(deleteBucket: ids.contains(.deleteBucket), force: ids.contains(.deleteCluster) && !ids.contains(.checkClusterUnused))
    }
}
