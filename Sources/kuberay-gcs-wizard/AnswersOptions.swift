import ArgumentParser
import SetupPlan
import WizardApp

/// `--answers FILE` and `--set key.path=value`, shared by every command that takes answers.
struct AnswersOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("An answers file (YAML); - reads standard input.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var answers: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set one answer, e.g. --set bucket.name=my-bucket (repeatable, applied after the file).", valueName: "key.path=value"),
            completion: .list(AnswerFields.all.map { $0.path + "=" }))
    var overrides: [String] = []

    var source: AnswersSource { AnswersSource(file: answers, overrides: overrides) }
}
