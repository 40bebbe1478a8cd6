/// Checks answers against the naming rules and the rules that tie fields together.
public enum Validator {
    /// Every problem with `answers`, in field order.
    public static func validate(_ answers: Answers) -> [FieldError] {
        var errors: [FieldError] = []
        for field in AnswerFields.fields(in: answers) {
            errors += problems(of: field, in: answers)
        }
        errors += crossFieldProblems(answers)
        return errors
    }

    /// The problems the wizard shows beside one field when it is left.
    public static func validate(field path: String, in answers: Answers) -> [FieldError] {
        guard let field = AnswerFields.field(path) else { return [] }
        return problems(of: field, in: answers) + crossFieldProblems(answers).filter { $0.path == path }
    }

    private static func problems(of field: AnswerField, in answers: Answers) -> [FieldError] {
        guard let value = field.get(answers) else { return [] }
        if field.path == "project" || field.path == "bucket.name", value.isEmpty {
            return [FieldError(path: field.path, value: nil, rule: "is required")]
        }
        guard field.isApplicable(in: answers) else { return [] }
        // An empty value that is required says so without quoting nothing.
        return field.check(value).map { [FieldError(path: field.path, value: value.isEmpty ? nil : value, rule: $0)] } ?? []
    }

    private static func crossFieldProblems(_ a: Answers) -> [FieldError] {
        var errors: [FieldError] = []
        if a.cluster.mode == .createStandard {
            let c = a.cluster
            if c.numNodes < 1 {
                errors.append(FieldError(path: "cluster.numNodes", value: String(c.numNodes), rule: "a Standard cluster starts with at least 1 node"))
            }
            if c.minNodes > c.numNodes {
                errors.append(FieldError(path: "cluster.minNodes", value: String(c.minNodes), rule: "must be at most cluster.numNodes (\(c.numNodes))"))
            }
            if c.numNodes > c.maxNodes {
                errors.append(FieldError(path: "cluster.maxNodes", value: String(c.maxNodes), rule: "must be at least cluster.numNodes (\(c.numNodes))"))
            }
            if c.maxNodes > 1000 {
                errors.append(FieldError(path: "cluster.maxNodes", value: String(c.maxNodes), rule: "GKE node pools hold at most 1000 nodes per zone"))
            }
        }
        errors += AnswerFields.all.compactMap { $0.misplacedValueProblem(in: a) }
        errors += WorkerGroupFields.crossFieldProblems(a)
        if let cpu = Quantity.cpuMillis(a.ray.headCPU), cpu > 0, a.isAutopilot, cpu < 250 {
            errors.append(FieldError(path: "ray.headCPU", value: a.ray.headCPU, rule: "Autopilot needs at least 250m CPU per pod"))
        }
        if a.ray.auth == .token, NamingRules.rayVersion(a.ray.version) == nil,
           !RayVersions.isAtLeast(a.ray.version, RayAuth.firstTokenVersion) {
            errors.append(FieldError(path: "ray.auth", value: a.ray.auth.rawValue,
                                     rule: "Ray token authentication needs ray.version \(RayAuth.firstTokenVersion) or later "
                                        + "(ray.version is \(a.ray.version)); raise ray.version or answer ray.auth none"))
        }
        if let memory = Quantity.bytes(a.ray.headMemory), memory > 0, memory < 1_073_741_824 {
            errors.append(FieldError(path: "ray.headMemory", value: a.ray.headMemory, rule: "the Ray head needs at least 1Gi (it is killed for lack of memory below that)"))
        }
        return errors
    }
}
