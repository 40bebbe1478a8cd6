import SetupPlan

/// The check a page makes of one field, shared by the full-screen pages and the plain line prompts.
public enum FieldCheck {
    /// The value `typed` stands for: an empty optional field follows its default (nil).
    public static func value(typed text: String, field: AnswerField, in answers: Answers) -> String? {
        text.isEmpty && field.placeholder(in: answers) != nil ? nil : text
    }

    /// The message for `field`: a wrong type of `typed` first (when given), else the first rule the answers break.
    public static func problem(typed text: String?, field: AnswerField, in answers: Answers) -> String? {
        if let text {
            var copy = answers
            do {
                try field.set(value(typed: text, field: field, in: answers), in: &copy)
            } catch {
                return error.description
            }
        }
        return Validator.validate(field: field.path, in: answers).first?.description
    }

    /// Optional answers and yes/no answers that stop applying (the IAM service account in direct mode, an existing
    /// cluster's Autopilot) go back to their defaults, so the validator does not flag a value nobody can see.
    public static func resetInapplicable(_ answers: inout Answers) {
        for field in AnswerFields.all where !field.isApplicable(in: answers) {
            if field.placeholder(in: answers) != nil {
                try? field.set(nil, in: &answers)
            } else if field.kind == .boolean {
                try? field.set(field.get(Answers.defaults), in: &answers)
            }
        }
    }
}
