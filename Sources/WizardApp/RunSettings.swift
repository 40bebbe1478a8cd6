import SetupPlan
import SetupRunner

/// What every command that runs steps takes on its command line: timeouts, colour, and echoing the output.
public struct RunSettings: Sendable, Equatable {
    /// Multiplies every step's timeout.
    public var timeoutScale: Double
    /// `STEP=SECONDS`, one step's timeout each.
    public var timeouts: [String]
    /// No colour (as with NO_COLOR set).
    public var noColor: Bool
    /// Echo every output line of the steps.
    public var verbose: Bool
    /// Run without preflight's checks (the journal records that they were skipped).
    public var skipPreflight: Bool
    /// How many steps run at once (`--parallel`); 1 runs them one after another.
    public var parallel: Int

    /// The steps a run runs at once unless told otherwise.
    public static let defaultParallel = RunOptions().concurrency

    public init(timeoutScale: Double = 1, timeouts: [String] = [], noColor: Bool = false, verbose: Bool = false,
                skipPreflight: Bool = false, parallel: Int = defaultParallel) {
        self.timeoutScale = timeoutScale
        self.timeouts = timeouts
        self.noColor = noColor
        self.verbose = verbose
        self.skipPreflight = skipPreflight
        self.parallel = parallel
    }

    /// The run options that need no plan (timeout scale, steps at once), or a usage error naming the bad value.
    public func options() throws -> RunOptions {
        var options = RunOptions()
        guard timeoutScale > 0 else { throw UsageError("--timeout-scale must be more than 0") }
        options.timeoutScale = timeoutScale
        guard parallel >= 1 else { throw UsageError("--parallel \(parallel): must be at least 1 (1 runs one step at a time)") }
        options.concurrency = parallel
        return options
    }

    /// The run options for `plan`, or a usage error naming the bad value.
    public func options(for plan: Plan) throws -> RunOptions {
        var options = try options()
        for entry in timeouts {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let seconds = Double(parts[1]), seconds > 0 else {
                throw UsageError("--timeout \(entry): use step-id=seconds, e.g. wait-head=900")
            }
            guard let id = StepID(rawValue: parts[0]), plan.step(id) != nil else {
                let steps = plan.steps.map(\.id.rawValue).joined(separator: ", ")
                throw UsageError("--timeout \(entry): no step \(parts[0]) in this plan (steps: \(steps))")
            }
            options.timeoutOverrides[id] = seconds
        }
        return options
    }

    /// Colour in the line output of a run (see `WizardDisplay.colorsLines`).
    public var colorsLines: Bool { WizardDisplay.colorsLines(noColorFlag: noColor) }
}
