import SetupPlan

/// Knobs of a run; the defaults are what the commands use.
public struct RunOptions: Sendable, Equatable {
    /// Multiplies every step's timeout (e.g. 2 on a slow network).
    public var timeoutScale: Double = 1
    /// Timeout in seconds per step id, replacing the step's own.
    public var timeoutOverrides: [StepID: Double] = [:]
    /// Timeout of each probe command.
    public var probeTimeoutSeconds: Double = 120
    /// Between SIGTERM and SIGKILL when a step is stopped.
    public var gracePeriodSeconds: Double = 3
    /// Multiplies retry delays and the deadlines of waits (tests use 0: no pause, and only the attempts bound a wait).
    public var retryDelayScale: Double = 1
    /// Variables set or replaced in the inherited environment of every command (tests put fakes on PATH).
    public var environment: [String: String] = [:]
    /// Longer output lines are split.
    public var maxLineBytes: Int = 64 * 1024
    /// stderr lines kept in memory per command for classification.
    public var stderrTailLines: Int = 200
    /// stdout bytes kept in memory per command for captures and output checks. The largest real answer, a bucket's
    /// IAM policy, is a few KiB; the whole output is in the log anyway.
    public var stdoutCaptureBytes: Int = 256 * 1024
    /// How often a wait for pods reads them and their events, to end early once GKE's autoscaler says their nodes are
    /// over quota.
    public var podWatchSeconds: Double = 15
    /// How many steps may run at once, each as soon as the steps it needs are done; 1 runs them one after another in
    /// the plan's order.
    public var concurrency: Int = 4

    /// The defaults.
    public init() {}

    /// The timeout of `step` after overrides and scaling.
    public func timeout(for stepID: StepID, default seconds: Int) -> Double {
        (timeoutOverrides[stepID] ?? Double(seconds)) * timeoutScale
    }
}
