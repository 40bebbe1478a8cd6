/// The type of an answer as the answers file and the wizard's pages see it.
public enum FieldKind: Equatable, Sendable {
    case text
    case integer
    case boolean
    /// One of fixed values (radio list).
    case choice([String])
}

/// One answer: its key path, type, how a person sees it (label, help, what empty means), how to read and write it,
/// and the naming rule its value follows.
public struct AnswerField: Sendable {
    public let path: String
    public let kind: FieldKind
    /// What the wizard's pages and plain mode call it (the key path stays in error messages, as in the answers file).
    public let label: String
    /// One line of help, shown under the focused field.
    public let help: String
    /// A line under the field offering what is known to work.
    public let note: String?
    /// How a choice or yes/no value reads, where it is not the value itself.
    let optionLabels: [String: String]
    /// What the answers resolve to with the field empty, for an optional answer that follows another.
    let resolvesTo: (@Sendable (Answers) -> String)?
    /// The value as text, or nil when unset (an optional answer that follows another).
    public let get: @Sendable (Answers) -> String?
    let assign: @Sendable (inout Answers, String?) -> Void
    let rule: (@Sendable (String) -> String?)?
    let applies: @Sendable (Answers) -> Bool
    /// For an answer that only means something where it applies: the rule a value other than the default breaks
    /// elsewhere. Such a value is an error there rather than silently ignored, and the normalized file leaves the
    /// key out where it does not apply.
    let onlyWhereApplicable: String?

    init(
        _ path: String, _ kind: FieldKind = .text, label: String, help: String, placeholder: (@Sendable (Answers) -> String)? = nil,
        options: [String: String] = [:], note: String? = nil,
        get: @escaping @Sendable (Answers) -> String?,
        set: @escaping @Sendable (inout Answers, String?) -> Void,
        rule: (@Sendable (String) -> String?)? = nil,
        appliesWhen: @escaping @Sendable (Answers) -> Bool = { _ in true },
        elsewhere: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.label = label
        self.help = help
        resolvesTo = placeholder
        optionLabels = options
        self.note = note
        self.get = get
        self.assign = set
        self.rule = rule
        self.applies = appliesWhen
        self.onlyWhereApplicable = elsewhere
    }

    /// What an empty value means for `answers` (e.g. the IAM service account the answers fall back to), for a field
    /// that may be left empty.
    public func placeholder(in answers: Answers) -> String? {
        guard let resolvesTo else { return nil }
        var cleared = answers
        assign(&cleared, nil)
        return resolvesTo(cleared)
    }

    /// How `value` reads in a radio list.
    public func optionLabel(_ value: String) -> String { optionLabels[value] ?? value }

    /// Whether the field matters for these answers (e.g. machine type only when creating a Standard cluster).
    public func isApplicable(in answers: Answers) -> Bool { applies(answers) }

    /// Sets the field from text, checking only its type (naming rules are `Validator`'s).
    /// nil clears an optional field back to following its default.
    public func set(_ text: String?, in answers: inout Answers) throws(FieldError) {
        guard let text else {
            assign(&answers, nil)
            return
        }
        switch kind {
        case .text:
            break
        case .integer:
            guard let number = Int(text), number >= 0 else {
                throw FieldError(path: path, value: text, rule: "must be a whole number, 0 or more")
            }
        case .boolean:
            guard text == "true" || text == "false" else {
                throw FieldError(path: path, value: text, rule: "must be true or false")
            }
        case .choice(let options):
            guard options.contains(text) else {
                throw FieldError(path: path, value: text, rule: rule?(text) ?? "must be one of \(options.joined(separator: ", "))")
            }
        }
        assign(&answers, text)
    }

    /// The rule broken by a value given where the field does not apply (see `onlyWhereApplicable`), if any.
    func misplacedValueProblem(in answers: Answers) -> FieldError? {
        guard let rule = onlyWhereApplicable, !isApplicable(in: answers), let value = get(answers), value != get(Answers()) else { return nil }
        return FieldError(path: path, value: value, rule: rule)
    }

    /// Whether the normalized file leaves this key out for `answers`.
    func isOmitted(in answers: Answers) -> Bool { onlyWhereApplicable != nil && !isApplicable(in: answers) }

    /// The naming rule broken by `value`, if any.
    public func check(_ value: String) -> String? { rule?(value) }
}
