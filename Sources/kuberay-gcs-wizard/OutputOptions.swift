import ArgumentParser
import WizardApp

/// `--output text|json`, shared by the commands that run steps.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"),
            help: ArgumentHelp("text (lines for people) or json (one JSON object per line per event, for CI logs).", valueName: "format"))
    var format: OutputFormat = .text
}

extension OutputFormat: ExpressibleByArgument {}
