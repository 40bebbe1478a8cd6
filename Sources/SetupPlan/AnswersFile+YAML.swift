import Yams

/// Reading an answers file: its YAML mappings, the worker group list, and each value checked for its field's type.
extension AnswersFile {
    /// The answers file's keys applied to `answers`; every problem found, with its line and column.
    static func apply(yaml: String, to answers: inout Answers) -> [FieldError] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return [FieldError(path: "", value: nil, rule: describe(error))]
        } catch {
            return [FieldError(path: "", value: nil, rule: "the answers file is not valid YAML: \(error)")]
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            return [FieldError(path: "", value: nil, rule: "the answers file must be a mapping of keys to values\(at(root))")]
        }
        return apply(mapping: mapping, prefix: "", to: &answers)
    }

    /// The entries of a mapping whose keys are plain names given once, with their key paths; the others as errors.
    private static func entries(of mapping: Node.Mapping, prefix: String)
        -> (entries: [(key: String, path: String, keyNode: Node, valueNode: Node)], errors: [FieldError]) {
        var entries: [(key: String, path: String, keyNode: Node, valueNode: Node)] = []
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                errors.append(FieldError(path: prefix, value: nil, rule: "keys must be plain names\(at(keyNode))"))
                continue
            }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if !seen.insert(key).inserted {
                errors.append(FieldError(path: path, value: nil, rule: "is given twice\(at(keyNode))"))
                continue
            }
            entries.append((key, path, keyNode, valueNode))
        }
        return (entries, errors)
    }

    private static func apply(mapping: Node.Mapping, prefix: String, to answers: inout Answers) -> [FieldError] {
        var (entries, errors) = entries(of: mapping, prefix: prefix)
        for (key, path, keyNode, valueNode) in entries {
            if path == WorkerGroupFields.listPath {
                errors += applyWorkers(valueNode, to: &answers)
                continue
            }
            let section = AnswerFields.sections.first { $0.key == key }
            if prefix.isEmpty, let section, !section.children.isEmpty {
                if let child = valueNode.mapping {
                    errors += apply(mapping: child, prefix: key, to: &answers)
                } else {
                    errors.append(FieldError(path: path, value: nil, rule: "must be a mapping with keys \(section.children.joined(separator: ", "))\(at(valueNode))"))
                }
                continue
            }
            guard let field = AnswerFields.field(path) else {
                errors.append(FieldError(path: path, value: nil, rule: "unknown key\(at(keyNode)); known keys here: \(knownKeys(under: prefix))"))
                continue
            }
            errors += assign(valueNode, to: field, in: &answers)
        }
        return errors
    }

    /// `ray.workers`: the list replaces the default groups; each item starts from the default group's values but no name.
    private static func applyWorkers(_ node: Node, to answers: inout Answers) -> [FieldError] {
        let keys = WorkerGroupFields.keys.filter { !$0.hasPrefix("gpu.") } + ["gpu"]
        guard let items = node.sequence else {
            return [FieldError(path: WorkerGroupFields.listPath, value: nil,
                               rule: "must be a list of worker groups, each a mapping with keys \(keys.joined(separator: ", "))\(at(node))")]
        }
        answers.ray.workers = []
        var errors: [FieldError] = []
        for (index, item) in items.enumerated() {
            answers.ray.workers.append(WorkerGroup(name: ""))
            let prefix = "\(WorkerGroupFields.listPath)[\(index)]"
            guard let mapping = item.mapping else {
                errors.append(FieldError(path: prefix, value: nil, rule: "must be a mapping with keys \(keys.joined(separator: ", "))\(at(item))"))
                continue
            }
            errors += applyGroup(mapping, index: index, prefix: prefix, known: keys, to: &answers)
        }
        return errors
    }

    private static func applyGroup(_ mapping: Node.Mapping, index: Int, prefix: String, known: [String], to answers: inout Answers) -> [FieldError] {
        var (entries, errors) = entries(of: mapping, prefix: prefix)
        for (key, path, keyNode, valueNode) in entries {
            if known.contains(key) && prefix.hasSuffix("]") && key == "gpu" {
                if valueNode.tag == Tag(.null) { continue }
                guard let gpu = valueNode.mapping else {
                    errors.append(FieldError(path: path, value: nil, rule: "must be a mapping with keys type, count\(at(valueNode))"))
                    continue
                }
                answers.ray.workers[index].gpu = WorkerGroup.GPU(type: "")
                errors += applyGroup(gpu, index: index, prefix: path, known: ["type", "count"], to: &answers)
                continue
            }
            let fieldKey = prefix.hasSuffix("]") ? key : "gpu.\(key)"
            guard known.contains(key), let field = WorkerGroupFields.field(index, fieldKey) else {
                errors.append(FieldError(path: path, value: nil, rule: "unknown key\(at(keyNode)); known keys here: \(known.joined(separator: ", "))"))
                continue
            }
            errors += assign(valueNode, to: field, in: &answers)
        }
        return errors
    }

    private static func assign(_ node: Node, to field: AnswerField, in answers: inout Answers) -> [FieldError] {
        guard let scalar = node.scalar else {
            return [FieldError(path: field.path, value: nil, rule: "must be a single value, not a list or mapping\(at(node))")]
        }
        if node.tag == Tag(.null) || scalar.string == "~" {
            if field.get(Answers()) == nil {
                do { try field.set(nil, in: &answers) } catch { return [error] }
                return []
            }
            return [FieldError(path: field.path, value: nil, rule: "must have a value\(at(node))")]
        }
        let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        switch field.kind {
        case .integer where quoted, .boolean where quoted:
            let expected = field.kind == .integer ? "a whole number" : "true or false"
            return [FieldError(path: field.path, value: scalar.string, rule: "must be \(expected), not a quoted string\(at(node))")]
        default:
            break
        }
        do {
            try field.set(scalar.string, in: &answers)
        } catch {
            return [FieldError(path: error.path, value: error.value, rule: error.rule + at(node))]
        }
        return []
    }

    private static func knownKeys(under prefix: String) -> String {
        if prefix.isEmpty { return AnswerFields.sections.map(\.key).joined(separator: ", ") }
        let children = AnswerFields.sections.first { $0.key == prefix }?.children ?? []
        return (children + (prefix == "ray" ? ["workers"] : [])).joined(separator: ", ")
    }

    private static func at(_ node: Node) -> String {
        guard let mark = node.mark else { return "" }
        return " (line \(mark.line), column \(mark.column))"
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let where_ = " at line \(mark.line), column \(mark.column)"
            return "the answers file is not valid YAML\(where_): \(problem)" + (context.map { " (\($0.text))" } ?? "")
        default:
            return "the answers file is not valid YAML: \(error)"
        }
    }
}
