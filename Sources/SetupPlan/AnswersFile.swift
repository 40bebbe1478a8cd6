import Yams

/// Reads the answers file and `--set` overrides into `Answers`, and writes answers back in normalized form.
public enum AnswersFile {
    /// Parses `yaml` (may be empty), then applies `overrides` (`key.path=value`, in order), then validates.
    /// Throws every problem at once; nothing is returned half-parsed.
    public static func load(yaml: String, overrides: [String] = []) throws(AnswersError) -> Answers {
        var answers = Answers()
        var errors: [FieldError] = []
        if !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors += apply(yaml: yaml, to: &answers)
        }
        for override in overrides {
            errors += apply(override: override, to: &answers)
        }
        // Type errors leave a default in place; the naming and cross-field rules still run so every
        // problem shows at once, but not a second message for a key that already has one.
        // A file that is not YAML at all says so alone: its keys were never read.
        let reported = Set(errors.map(\.path))
        if !reported.contains("") {
            // A worker group item that was not a mapping (`ray.workers[N]`) has no keys to check either.
            errors += Validator.validate(answers).filter { error in
                !reported.contains(error.path) && !reported.contains { !$0.isEmpty && error.path.hasPrefix($0 + ".") }
            }
        }
        guard errors.isEmpty else { throw AnswersError(errors) }
        return answers
    }
}
