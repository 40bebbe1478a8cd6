/// The answers of each worker group, addressed as `ray.workers[N].KEY` (N from 0) in `--set`, errors and the wizard.
public enum WorkerGroupFields {
    /// The list's own key path.
    public static let listPath = "ray.workers"
    /// The keys of one group, in file order; `gpu.type` and `gpu.count` are the keys of its `gpu` mapping.
    public static let keys = ["name", "replicas", "minReplicas", "maxReplicas", "cpu", "memory", "gpu.type", "gpu.count"]
    /// What `gpu.type` reads for a CPU-only group (and what removes a group's GPU with `--set`).
    public static let noGPU = "none"

    /// `ray.workers[index].key`.
    public static func path(_ index: Int, _ key: String) -> String { "\(listPath)[\(index)].\(key)" }

    /// Each key's label (indented under its group's name, which reads "Group N name") and help, the same in every group.
    private static let texts: [String: (label: String, help: String)] = [
        "name": ("name", "Worker group name: lowercase letters, digits, hyphens; a GPU group's node pool is ray-NAME."),
        "replicas": ("Replicas", "Worker pods the group starts with."),
        "minReplicas": ("Min replicas", "Fewest worker pods the autoscaler keeps; 0 lets the group scale to nothing."),
        "maxReplicas": ("Max replicas", "Most worker pods the autoscaler may start (and GPU nodes GKE may add)."),
        "cpu": ("CPU", "CPU per worker pod (request and limit), e.g. 1 or 500m."),
        "memory": ("Memory", "Memory per worker pod (request and limit), e.g. 2Gi."),
        "gpu.type": ("GPU", "GPU per worker pod, or none. Each type is offered only in some zones: gcloud compute accelerator-types list."),
        "gpu.count": ("GPUs per pod", "GPUs per worker pod (and node): the machine type follows, e.g. \(GPUType.example)."),
    ]

    /// The group index and key of a path `ray.workers[N].KEY`, or of `ray.workers[N]` (empty key).
    public static func parse(_ path: String) -> (index: Int, key: String)? {
        guard let match = path.wholeMatch(of: #/ray\.workers\[([0-9]{1,4})\](?:\.(.+))?/#), let index = Int(match.1) else { return nil }
        return (index, match.2.map(String.init) ?? "")
    }

    /// The fields of every group of `answers`, group by group.
    public static func fields(in answers: Answers) -> [AnswerField] {
        answers.ray.workers.indices.flatMap { index in keys.compactMap { field(index, $0) } }
    }

    /// The field `key` of group `index`; its value is nil while the group does not exist.
    public static func field(_ index: Int, _ key: String) -> AnswerField? {
        let path = path(index, key)
        guard let texts = texts[key] else { return nil }
        let label = key == "name" ? "Group \(index + 1) name" : "  " + texts.label
        func text(_ read: @escaping @Sendable (WorkerGroup) -> String?, _ write: @escaping @Sendable (inout WorkerGroup, String?) -> Void,
                  _ kind: FieldKind = .text, rule: (@Sendable (String) -> String?)? = nil,
                  when: @escaping @Sendable (WorkerGroup) -> Bool = { _ in true }) -> AnswerField {
            AnswerField(path, kind, label: label, help: texts.help,
                        get: { $0.ray.workers.indices.contains(index) ? read($0.ray.workers[index]) : nil },
                        set: { answers, value in
                            guard answers.ray.workers.indices.contains(index) else { return }
                            write(&answers.ray.workers[index], value)
                        },
                        rule: rule,
                        appliesWhen: { $0.ray.workers.indices.contains(index) && when($0.ray.workers[index]) })
        }
        let defaults = WorkerGroup()
        switch key {
        case "name":
            return text({ $0.name }, { $0.name = $1 ?? defaults.name }, rule: NamingRules.workerGroupName)
        case "replicas":
            return text({ String($0.replicas) }, { $0.replicas = $1.flatMap { Int($0) } ?? defaults.replicas }, .integer)
        case "minReplicas":
            return text({ String($0.minReplicas) }, { $0.minReplicas = $1.flatMap { Int($0) } ?? defaults.minReplicas }, .integer)
        case "maxReplicas":
            return text({ String($0.maxReplicas) }, { $0.maxReplicas = $1.flatMap { Int($0) } ?? defaults.maxReplicas }, .integer)
        case "cpu":
            return text({ $0.cpu }, { $0.cpu = $1 ?? defaults.cpu }, rule: NamingRules.cpu)
        case "memory":
            return text({ $0.memory }, { $0.memory = $1 ?? defaults.memory }, rule: NamingRules.memory)
        case "gpu.type":
            return text({ $0.gpu?.type ?? noGPU }, { group, value in
                guard let value, value != noGPU else { group.gpu = nil; return }
                group.gpu = WorkerGroup.GPU(type: value, count: group.gpu?.count ?? 1)
            }, .choice([noGPU] + GPUType.known.map(\.id)), rule: { value in
                value.isEmpty || value == noGPU || GPUType.named(value) != nil ? nil
                    : "GPU types are \(GPUType.known.map(\.id).joined(separator: ", ")) (or \(noGPU)); \(GPUType.zoneCaveat)"
            })
        case "gpu.count":
            return text({ $0.gpu.map { String($0.count) } }, { group, value in
                let count = value.flatMap { Int($0) } ?? 1
                // A count before its type (e.g. `gpu: {count: 2}`) keeps an empty type, which the validator reports.
                group.gpu = WorkerGroup.GPU(type: group.gpu?.type ?? "", count: count)
            }, .integer, when: { $0.gpu != nil })
        default:
            return nil
        }
    }

    /// Every problem of the groups that ties keys together: bounds, unique names, GPU counts, Autopilot minimums.
    static func crossFieldProblems(_ a: Answers) -> [FieldError] {
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (i, group) in a.ray.workers.enumerated() {
            if !group.name.isEmpty, !seen.insert(group.name).inserted {
                errors.append(FieldError(path: path(i, "name"), value: group.name, rule: "another worker group has this name; names must be unique"))
            }
            if group.maxReplicas < 1 {
                errors.append(FieldError(path: path(i, "maxReplicas"), value: String(group.maxReplicas), rule: "must be at least 1 (remove the group instead)"))
            }
            if group.minReplicas > group.replicas {
                errors.append(FieldError(path: path(i, "minReplicas"), value: String(group.minReplicas),
                                         rule: "must be at most ray.workers[\(i)].replicas (\(group.replicas))"))
            }
            if group.replicas > group.maxReplicas {
                errors.append(FieldError(path: path(i, "maxReplicas"), value: String(group.maxReplicas),
                                         rule: "must be at least ray.workers[\(i)].replicas (\(group.replicas))"))
            }
            if let cpu = Quantity.cpuMillis(group.cpu), cpu > 0, a.isAutopilot, cpu < 250 {
                errors.append(FieldError(path: path(i, "cpu"), value: group.cpu, rule: "Autopilot needs at least 250m CPU per pod"))
            }
            if let memory = Quantity.bytes(group.memory), memory > 0, memory < 1_073_741_824 {
                errors.append(FieldError(path: path(i, "memory"), value: group.memory, rule: "a Ray worker needs at least 1Gi (it is killed for lack of memory below that)"))
            }
            if let gpu = group.gpu {
                if gpu.type.isEmpty {
                    errors.append(FieldError(path: path(i, "gpu.type"), value: nil, rule: "is required when gpu is given; \(GPUType.zoneCaveat)"))
                } else if let type = GPUType.named(gpu.type), type.machineType(count: gpu.count) == nil {
                    errors.append(FieldError(path: path(i, "gpu.count"), value: String(gpu.count),
                                             rule: "\(gpu.type) comes \(type.machines.map { String($0.count) }.joined(separator: ", ")) per node"))
                }
            }
        }
        return errors
    }
}
