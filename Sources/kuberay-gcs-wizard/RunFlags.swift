import ArgumentParser
import SetupPlan
import WizardApp

/// Options every command that runs the plan shares.
struct RunFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Multiply every step's timeout (cluster creation 30 min, others 5 min).", valueName: "factor"))
    var timeoutScale: Double = 1

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Timeout of one step in seconds, e.g. --timeout wait-head=900 (repeatable).", valueName: "step-id=seconds"))
    var timeouts: [String] = []

    @Flag(help: "No colour (as with NO_COLOR set).")
    var noColor = false

    @Flag(help: "Echo every output line of the steps (they always go to the workspace's \(WorkspaceFiles.logs)/).")
    var verbose = false

    var settings: RunSettings { RunSettings(timeoutScale: timeoutScale, timeouts: timeouts, noColor: noColor, verbose: verbose) }
}

/// `--skip-preflight` and `--parallel`, for the commands that set up (a destroy runs one step at a time).
struct PreflightFlag: ParsableArguments {
    @Flag(help: "Run without preflight's checks of quotas, names, billing and roles (the journal records that they were skipped).")
    var skipPreflight = false

    @Option(help: ArgumentHelp("Run up to this many steps at once, each when the steps it needs are done; 1 runs them one after another.",
                               valueName: "steps"))
    var parallel: Int = RunSettings.defaultParallel

    /// `settings` with these flags.
    func apply(to settings: RunSettings) -> RunSettings {
        var settings = settings
        settings.skipPreflight = skipPreflight
        settings.parallel = parallel
        return settings
    }
}
