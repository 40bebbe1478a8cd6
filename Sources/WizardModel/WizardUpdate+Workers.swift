import SetupPlan

/// Adding and removing worker groups on the page that lists them.
extension WizardState {
    /// Ctrl-N: a new CPU group at the end (the default shape under a free name), focused on its name.
    mutating func addWorkerGroup() {
        answers.ray.workers.append(WorkerGroup.added(after: answers.ray.workers))
        resetWorkerGroupEditors()
        let name = WorkerGroupFields.path(answers.ray.workers.count - 1, "name")
        focus = visibleFields.firstIndex { $0.path == name } ?? focus
    }

    /// Ctrl-X: removes the group whose field has the focus (nothing when the focus is on another field).
    mutating func removeFocusedWorkerGroup() {
        guard let path = focusedField?.path, let (index, _) = WorkerGroupFields.parse(path),
              answers.ray.workers.indices.contains(index) else {
            message = "Move to a field of the group to remove (Ctrl-X removes the group of the focused field)."
            return
        }
        let name = answers.ray.workers[index].name
        answers.ray.workers.remove(at: index)
        resetWorkerGroupEditors()
        focus = min(focus, max(0, visibleFields.count - 1))
        message = "Removed worker group \(name.isEmpty ? String(index + 1) : name)."
    }

    /// The worker fields' buffers and messages follow the groups: after an add or remove, indices move, so every
    /// group's buffers are made again from the answers (a draft that was not valid is dropped with its message).
    mutating func resetWorkerGroupEditors() {
        for path in editors.keys where WorkerGroupFields.parse(path) != nil { editors[path] = nil }
        for path in errors.keys where WorkerGroupFields.parse(path) != nil { errors[path] = nil }
        syncWorkerGroupEditors()
    }

    /// Buffers for the worker fields that apply and have none yet (a new group, or a GPU count once a GPU is
    /// picked); a field that stops applying (the GPU count of a group set back to no GPU) loses its buffer and message.
    mutating func syncWorkerGroupEditors() {
        for field in WorkerGroupFields.fields(in: answers) {
            guard field.isApplicable(in: answers) else {
                editors[field.path] = nil
                errors[field.path] = nil
                continue
            }
            switch field.kind {
            case .text, .integer: if editors[field.path] == nil { editors[field.path] = LineEditor(field.get(answers) ?? "") }
            case .boolean, .choice: break
            }
        }
    }
}
