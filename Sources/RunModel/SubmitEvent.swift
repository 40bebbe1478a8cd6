/// What `submit` reports as a RayJob is written, applied and followed; views print it, the session never does.
public enum SubmitEvent: Equatable, Sendable {
    /// The RayJob's file was written in the workspace (`path`, absolute).
    case written(job: String, path: String, entrypoint: String)
    /// `kubectl apply` created it on the RayCluster `cluster`.
    case applied(job: String, cluster: String)
    /// The RayJob's status as KubeRay last wrote it (sent when it changes).
    case status(RayJobStatus)
    /// The submitter pod's log is followed from now on.
    case following(pod: String)
    /// An Event of the submitter's Job: why its pod is not there yet (e.g. its KSA is missing).
    case note(String)
    /// One line of the submitter's log: `ray job submit`'s, then the job's own output.
    case log(String)
    /// Not waited for (`--no-wait`): how to follow it from another terminal.
    case detached(job: String, follow: [String])
    /// The job ended, or the wait was interrupted.
    case finished(SubmitResult)
}

/// How `submit` ended.
public enum SubmitResult: Equatable, Sendable {
    case succeeded
    /// With the reason and message KubeRay recorded (e.g. AppFailed and Ray's "Job entrypoint command failed ...").
    case failed(reason: String, message: String)
    /// The wait was interrupted (Ctrl-C); the RayJob runs on.
    case interrupted(follow: [String])

    /// The exit status: 0 succeeded, 1 failed, 130 interrupted.
    public var exitCode: Int32 {
        switch self {
        case .succeeded: return 0
        case .failed: return 1
        case .interrupted: return 130
        }
    }
}
