import ArgumentParser
import WizardApp

/// `--output text|json`, shared by the commands that run steps.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"),
            help: ArgumentHelp("text (lines for people) or json (one JSON object per line per event, for CI logs).", valueName: "format"))
    var format: OutputFormat = .text
}

extension OutputFormat: ExpressibleByArgument {}
extension PlanSession.Format: ExpressibleByArgument {}
extension DestroySession.PreviewFormat: ExpressibleByArgument {}
extension DoctorSession.Format: ExpressibleByArgument {}

extension ExitCode {
    /// Ends the command with a session's exit status: nothing for 0, else the status.
    static func unlessZero(_ code: Int32) throws {
        if code != 0 { throw ExitCode(code) }
    }
}
