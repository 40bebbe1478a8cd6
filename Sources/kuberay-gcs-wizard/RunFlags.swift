import RunViews
import ArgumentParser
import Foundation
import RunModel
import SetupPlan
import SetupRunner

/// Options every command that runs the plan shares.
struct RunFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Multiply every step's timeout (cluster creation 30 min, others 5 min).", valueName: "factor"))
    var timeoutScale: Double = 1

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Timeout of one step in seconds, e.g. --timeout wait-head=900 (repeatable).", valueName: "step-id=seconds"))
    var timeouts: [String] = []

    @Flag(help: "No colour (as with NO_COLOR set).")
    var noColor = false

    @Flag(help: "Echo every output line of the steps (they always go to the workspace's logs/).")
    var verbose = false

    /// The run options, or a usage error naming the bad value.
    func options(for plan: Plan) throws -> RunOptions {
        var options = RunOptions()
        guard timeoutScale > 0 else { throw ValidationError("--timeout-scale must be more than 0") }
        options.timeoutScale = timeoutScale
        for entry in timeouts {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let seconds = Double(parts[1]), seconds > 0 else {
                throw ValidationError("--timeout \(entry): use step-id=seconds, e.g. wait-head=900")
            }
            guard plan.step(parts[0]) != nil else {
                throw ValidationError("--timeout \(entry): no step \(parts[0]) in this plan (steps: \(plan.steps.map(\.id).joined(separator: ", ")))")
            }
            options.timeoutOverrides[parts[0]] = seconds
        }
        return options
    }
}

