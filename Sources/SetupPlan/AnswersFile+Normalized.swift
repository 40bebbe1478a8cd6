import Yams

/// Writing answers back: the normalized answers file, every default filled in.
extension AnswersFile {
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
}
