/// The type of an answer as the answers file and the wizard's pages see it.
public enum FieldKind: Equatable, Sendable {
    case text
    case integer
    case boolean
    /// One of fixed values (radio list).
    case choice([String])
}

/// One answer: its key path, type, how to read and write it, and the naming rule its value follows.
public struct AnswerField: Sendable {
    public let path: String
    public let kind: FieldKind
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
        _ path: String, _ kind: FieldKind = .text,
        get: @escaping @Sendable (Answers) -> String?,
        set: @escaping @Sendable (inout Answers, String?) -> Void,
        rule: (@Sendable (String) -> String?)? = nil,
        appliesWhen: @escaping @Sendable (Answers) -> Bool = { _ in true },
        elsewhere: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.get = get
        self.assign = set
        self.rule = rule
        self.applies = appliesWhen
        self.onlyWhereApplicable = elsewhere
    }

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
