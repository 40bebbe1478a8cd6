import Cells
import SetupPlan

extension WizardState {
    /// The current page, when a page is on screen.
    public var currentPage: WizardPage? {
        guard case .page(let index) = screen, WizardPage.all.indices.contains(index) else { return nil }
        return WizardPage.all[index]
    }

    /// The fields of the current page that apply to the answers so far.
    public var visibleFields: [AnswerField] {
        currentPage?.fields(for: answers) ?? []
    }

    /// The field with the focus.
    public var focusedField: AnswerField? {
        let fields = visibleFields
        return fields.indices.contains(focus) ? fields[focus] : fields.last
    }

    mutating func enterPage(_ index: Int) {
        screen = .page(index)
        destroy = nil
        focus = 0
        message = nil
    }

    mutating func handlePageKey(_ key: Key, command: Command?, page: Int) -> [WizardEffect] {
        message = nil
        switch command {
        case .addGroup?:
            addWorkerGroup()
            return []
        case .removeGroup?:
            removeFocusedWorkerGroup()
            return []
        default:
            break
        }
        let fields = visibleFields
        guard let field = focusedField else {
            if command == .back { goBack(from: page) }
            return command == .submit ? submitPage(page) : []
        }
        focus = min(focus, fields.count - 1)
        switch command {
        case .nextField?:
            leave(field)
            focus = (focus + 1) % fields.count
        case .previousField?:
            leave(field)
            focus = (focus + fields.count - 1) % fields.count
        case .submit?:
            return submitPage(page)
        case .back?:
            goBack(from: page)
        case .pickNext?:
            pick(field, step: 1)
        case .pickPrevious?:
            pick(field, step: -1)
        default:
            if var editor = editors[field.path], editor.handle(key) {
                guard editor != editors[field.path] else { return [] }
                editors[field.path] = editor
                edited.insert(field.path)
                errors[field.path] = nil
                commit(field)
            }
        }
        return []
    }

    private mutating func goBack(from page: Int) {
        if page > 0 {
            enterPage(page - 1)
        } else {
            screen = .welcome
            checksAfterPages = false
        }
    }

    /// Writes a text field's buffer into the answers when it is of the right type; an empty optional
    /// field goes back to following its default.
    mutating func commit(_ field: AnswerField) {
        guard let text = editors[field.path]?.text else { return }
        try? field.set(FieldCheck.value(typed: text, field: field, in: answers), in: &answers)
    }

    /// The message to show beside `field`: a wrong type first, else the first rule it breaks.
    func problem(with field: AnswerField) -> String? {
        FieldCheck.problem(typed: editors[field.path]?.text, field: field, in: answers)
    }

    /// A field is validated when it is left.
    mutating func leave(_ field: AnswerField) {
        errors[field.path] = problem(with: field)
    }

    private mutating func pick(_ field: AnswerField, step: Int) {
        let options: [String]
        switch field.kind {
        case .choice(let values): options = values
        case .boolean: options = ["true", "false"]
        case .text, .integer: return
        }
        guard !options.isEmpty else { return }
        let current = field.get(answers).flatMap { options.firstIndex(of: $0) } ?? 0
        let next = (current + step + options.count) % options.count
        try? field.set(options[next], in: &answers)
        edited.insert(field.path)
        errors[field.path] = nil
        syncOptionalFields()
        syncWorkerGroupEditors()
    }

    /// Optional fields that still apply take their buffers; those that stop applying are reset (`FieldCheck`),
    /// their buffers keeping the text for when they apply again.
    mutating func syncOptionalFields() {
        for field in AnswerFields.all where field.placeholder(in: answers) != nil {
            if field.isApplicable(in: answers) {
                commit(field)
            } else {
                errors[field.path] = nil
            }
        }
        FieldCheck.resetInapplicable(&answers)
    }

    /// Enter on a page: every visible field is checked; the page advances only when all pass. After the last
    /// page comes the review, or the check of the setup the pages describe when Welcome's check opened them.
    mutating func submitPage(_ page: Int) -> [WizardEffect] {
        let fields = visibleFields
        var firstProblem: Int?
        for (index, field) in fields.enumerated() {
            errors[field.path] = problem(with: field)
            if errors[field.path] != nil, firstProblem == nil { firstProblem = index }
        }
        if let firstProblem {
            focus = firstProblem
            return []
        }
        if page + 1 < WizardPage.all.count {
            enterPage(page + 1)
        } else if checksAfterPages {
            checksAfterPages = false
            return startDoctor()
        } else {
            return enterReview()
        }
        return []
    }
}
