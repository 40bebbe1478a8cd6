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

    /// The answers as YAML with every default filled in, in the documented key order.
    public static func normalizedYAML(_ answers: Answers) -> String {
        var top: [(Node, Node)] = []
        for section in AnswerFields.sections {
            if section.children.isEmpty {
                if let node = valueNode(section.key, answers) { top.append((Node(section.key), node)) }
                continue
            }
            var pairs: [(Node, Node)] = []
            for child in section.children {
                if let node = valueNode("\(section.key).\(child)", answers) { pairs.append((Node(child), node)) }
            }
            if section.key == "ray" { pairs.append((Node("workers"), workersNode(answers))) }
            top.append((Node(section.key), Node(pairs)))
        }
        let text = (try? Yams.serialize(node: Node(top), sortKeys: false)) ?? ""
        return "# kuberay-gcs-wizard answers (normalized: every default filled in)\n" + text
    }

    /// `ray.workers` as a list of mappings; `gpu` only for a group that has one.
    private static func workersNode(_ answers: Answers) -> Node {
        let groups = answers.ray.workers.indices.map { index in
            var pairs: [(Node, Node)] = []
            var gpu: [(Node, Node)] = []
            for key in WorkerGroupFields.keys {
                guard let node = valueNode(WorkerGroupFields.path(index, key), answers) else { continue }
                if key.hasPrefix("gpu.") {
                    if answers.ray.workers[index].gpu != nil { gpu.append((Node(String(key.dropFirst(4))), node)) }
                } else {
                    pairs.append((Node(key), node))
                }
            }
            if !gpu.isEmpty { pairs.append((Node("gpu"), Node(gpu))) }
            return Node(pairs)
        }
        return Node(groups)
    }

    private static func valueNode(_ path: String, _ answers: Answers) -> Node? {
        guard let field = AnswerFields.field(path) else { return nil }
        // Keys only some modes have stay out of the others' files, so those normalize (and fingerprint) as before.
        if field.isOmitted(in: answers) { return nil }
        var filled = answers
        // Defaults are filled in below, but not an existing cluster's location and node pool, which stay out unless
        // given (they follow the zone and GKE's default pool): filled in, they would turn `resume --set cluster.mode=create-standard --replan` or
        // `--set cluster.autopilot=true` into a conflict with an answer the person never gave.
        if path == "bucket.location" { filled.bucket.location = answers.resolvedBucketLocation }
        if path == "ray.image" { filled.ray.image = answers.resolvedImage }
        if path == "identity.iamServiceAccount", answers.identity.mode == .iamServiceAccount {
            filled.identity.iamServiceAccount = answers.resolvedIAMServiceAccount
        }
        guard let value = field.get(filled) else { return nil }
        switch field.kind {
        case .integer: return Node(value, Tag(.int))
        case .boolean: return Node(value, Tag(.bool))
        case .text, .choice:
            // Quote what YAML would otherwise read as a number or a boolean (e.g. version 2.52 or cpu 1).
            let plain = Node(value)
            let resolvesToString = (try? Yams.load(yaml: value)).map { $0 is String } ?? false
            return resolvesToString ? plain : Node(value, Tag(.str), .doubleQuoted)
        }
    }

    private static func apply(yaml: String, to answers: inout Answers) -> [FieldError] {
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

    private static func apply(override: String, to answers: inout Answers) -> [FieldError] {
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
