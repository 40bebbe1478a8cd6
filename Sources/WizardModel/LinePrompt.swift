import SetupPlan

/// The wizard's pages as line prompts (plain mode): the same pages, fields, labels, defaults and checks as the
/// full-screen pages, so the same answers give the same messages.
public enum LinePrompt {
    /// The question for `field`: its label, the values a choice takes, and what Enter keeps in [brackets].
    public static func question(_ field: AnswerField, in answers: Answers) -> String {
        let shown = field.get(answers) ?? field.placeholder(in: answers) ?? ""
        var choices = ""
        switch field.kind {
        case .choice(let values):
            choices = " (" + values.joined(separator: ", ") + ")"
        case .boolean:
            choices = " (" + ["true", "false"].map { value in
                let label = field.optionLabel(value)
                return label == value ? value : "\(value): \(label)"
            }.joined(separator: ", ") + ")"
        case .text, .integer:
            break
        }
        return "\(field.label)\(choices) [\(shown)]: "
    }

    /// Applies the `line` typed for `field` (empty keeps the value in brackets) when it passes the page's checks;
    /// returns the message the page would show beside the field, or nil when the answer was taken.
    public static func answer(_ line: String, to field: AnswerField, in answers: inout Answers) -> String? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return FieldCheck.problem(typed: nil, field: field, in: answers) }
        var updated = answers
        try? field.set(FieldCheck.value(typed: text, field: field, in: answers), in: &updated)
        if let problem = FieldCheck.problem(typed: text, field: field, in: updated) { return problem }
        answers = updated
        return nil
    }

}
