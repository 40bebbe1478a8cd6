/// How a step's command is tried again: truncated exponential backoff with jitter (Google's retry guidance), at most
/// `attempts` tries and, for a wait, until a deadline.
public struct RetryPolicy: Equatable, Hashable, Sendable, Codable {
    public var attempts: Int
    public var initialDelaySeconds: Double
    public var maxDelaySeconds: Double
    /// What the retries wait for, said while they wait ("the IAM bindings to take effect"); nil for a plain retry.
    public var waitingFor: String?
    /// No try starts later than this many seconds after the first; nil: `attempts` alone bounds it.
    public var deadlineSeconds: Double?
    /// The failures worth trying again; empty: any failure.
    public var on: [TransientFailure]
    /// Outputs that never settle (a cluster in ERROR), each with what to do instead: a try that prints one of these
    /// ends the wait at once.
    public var givesUpOn: [String: String]

    public init(attempts: Int, initialDelaySeconds: Double, maxDelaySeconds: Double, waitingFor: String? = nil,
                deadlineSeconds: Double? = nil, on: [TransientFailure] = [], givesUpOn: [String: String] = [:]) {
        self.attempts = attempts
        self.initialDelaySeconds = initialDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.waitingFor = waitingFor
        self.deadlineSeconds = deadlineSeconds
        self.on = on
        self.givesUpOn = givesUpOn
    }

    /// A wait for `what` of up to `deadlineSeconds`, retrying the `on` failures from every `initial` seconds up to
    /// every `max` seconds; `attempts` is as many as the deadline allows.
    public static func wait(for what: String, upTo deadlineSeconds: Double, on: [TransientFailure] = [],
                            initial: Double = 5, max: Double = 30, givesUpOn: [String: String] = [:]) -> RetryPolicy {
        RetryPolicy(attempts: Swift.max(2, Int(deadlineSeconds / initial) + 1), initialDelaySeconds: initial, maxDelaySeconds: max,
                    waitingFor: what, deadlineSeconds: deadlineSeconds, on: on, givesUpOn: givesUpOn)
    }

    /// What to do when `output` (a try's trimmed standard output) is one that never settles; nil when waiting may help.
    public func givesUp(on output: String) -> String? {
        givesUpOn[output]
    }

    /// The delay before retry number `n` (1-based): `initial x 2^(n-1)`, at most `maxDelaySeconds`, plus `jitter`
    /// seconds (0 to 1, random at run time, so clients that failed together do not retry together, capped or not).
    public func delay(before n: Int, jitter: Double = 0) -> Double {
        min(maxDelaySeconds, initialDelaySeconds * Double(1 << max(0, min(n - 1, 20)))) + jitter
    }

    /// Whether a failure of `kind` (nil: none recognised) is tried again.
    public func retries(_ kind: TransientFailure?) -> Bool {
        on.isEmpty || kind.map(on.contains) == true
    }

    /// A deadline as people say it: "45 s", "7 min".
    public static func limitText(_ seconds: Double) -> String {
        seconds < 90 ? "\(Int(seconds.rounded())) s" : "\(Int((seconds / 60).rounded())) min"
    }
}

/// A failure that goes away by itself when tried again later, as Google's services answer while something settles.
public enum TransientFailure: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    /// An IAM policy change not in effect yet: `iam.serviceAccounts.getAccessToken` denied, a 403 on the bucket.
    case iamPropagation = "iam-propagation"
    /// A service account created moments ago, not known yet to Cloud Storage ("Service account X does not exist.").
    case newServiceAccount = "new-service-account"
    /// A new pod's GKE metadata server not answering yet.
    case metadataWarmup = "metadata-warmup"
    /// GKE runs one operation per cluster at a time ("Cluster is running incompatible operation ...").
    case operationInProgress = "operation-in-progress"
    /// `kubectl wait` right after an apply, before the operator made the pods ("no matching resources found").
    case noPodsYet = "no-pods-yet"
    /// `kubectl exec`'s stream to the pod broke before the command's answer came through ("error: closed all
    /// streams"): the transport, not the command; doctor's in-pod reads are tried again for the same reason.
    case execStream = "exec-stream"
}
