import SetupPlan

/// A step waiting between tries for something to settle (IAM propagation, a pod's metadata server, a cluster's
/// running operation): what it waits for, how long it may, and why the last try failed.
public struct StepWait: Equatable, Sendable {
    /// What is waited for, e.g. "the IAM bindings to take effect".
    public var what: String
    /// How long the step may wait in all, from its first try; nil when only a number of tries bounds it.
    public var deadlineSeconds: Double?
    /// Seconds since the step's first try, when this wait began.
    public var elapsedSeconds: Double
    /// Seconds until the next try.
    public var retryInSeconds: Double
    /// Tries so far.
    public var attempt: Int
    /// Why the last try failed, in a line.
    public var reason: String

    public init(what: String, deadlineSeconds: Double?, elapsedSeconds: Double, retryInSeconds: Double, attempt: Int, reason: String) {
        self.what = what
        self.deadlineSeconds = deadlineSeconds
        self.elapsedSeconds = elapsedSeconds
        self.retryInSeconds = retryInSeconds
        self.attempt = attempt
        self.reason = reason
    }

    /// "waiting for the IAM bindings to take effect: 1m 05s so far, up to 7 min", with the time waited so far.
    public func text(elapsed: Double) -> String {
        "waiting for \(what): \(DurationText.format(elapsed)) so far" + (deadlineSeconds.map { ", up to \(RetryPolicy.limitText($0))" } ?? "")
    }
}
