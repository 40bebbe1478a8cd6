import SetupPlan
import RunViews
import ArgumentParser

/// `--output text|json`, shared by the commands that run steps.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong("output"),
            help: ArgumentHelp("text (lines for people) or json (one JSON object per line per event, for CI logs).", valueName: "format"))
    var format: Format = .text
}
