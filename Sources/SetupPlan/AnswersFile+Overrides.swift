/// The `--set key.path=value` grammar: a field's value, or adding and removing worker groups.
extension AnswersFile {
    /// One `--set key.path=value` applied to `answers`, or why it cannot be.
    static func apply(override: String, to answers: inout Answers) -> [FieldError] {
        guard let equals = override.firstIndex(of: "=") else {
            return [FieldError(path: "--set", value: override, rule: "use key.path=value, e.g. bucket.name=my-bucket")]
        }
        let path = String(override[..<equals])
        let value = String(override[override.index(after: equals)...])
        if path == WorkerGroupFields.listPath || WorkerGroupFields.parse(path) != nil {
            return applyWorker(override: path, value: value, to: &answers)
        }
        guard let field = AnswerFields.field(path) else {
            let hint = AnswerFields.sections.contains { $0.key == path } ? "is a section: set one of its keys" : "unknown key; known keys: \(AnswerFields.all.map(\.path).joined(separator: ", "))"
            return [FieldError(path: path, value: nil, rule: "(--set) \(hint)")]
        }
        do {
            try field.set(value, in: &answers)
        } catch {
            return [error]
        }
        return []
    }

    /// `ray.workers=none` removes every group, `ray.workers[N]=remove` one; `ray.workers[N].KEY=V` with N the number of
    /// groups adds a group (the default CPU shape, named `workers-N+1`) and sets its key.
    private static func applyWorker(override path: String, value: String, to answers: inout Answers) -> [FieldError] {
        let groups = answers.ray.workers.count
        guard let (index, key) = WorkerGroupFields.parse(path) else {
            guard value == "none" || value == "[]" else {
                return [FieldError(path: path, value: value, rule: "(--set) only none clears the list; set one group's key with ray.workers[N].KEY=VALUE")]
            }
            answers.ray.workers = []
            return []
        }
        if key.isEmpty {
            guard value == "remove", index < groups else {
                return [FieldError(path: path, value: value, rule: "(--set) ray.workers[N]=remove removes an existing group (there are \(groups))")]
            }
            answers.ray.workers.remove(at: index)
            return []
        }
        guard index <= groups else {
            return [FieldError(path: path, value: nil, rule: "(--set) there are \(groups) worker groups; add the next one as ray.workers[\(groups)]")]
        }
        guard let field = WorkerGroupFields.field(index, key) else {
            return [FieldError(path: path, value: nil, rule: "(--set) unknown key; a worker group's keys: \(WorkerGroupFields.keys.joined(separator: ", "))")]
        }
        if index == groups { answers.ray.workers.append(WorkerGroup.added(after: answers.ray.workers)) }
        do {
            try field.set(value, in: &answers)
        } catch {
            return [error]
        }
        return []
    }
}
