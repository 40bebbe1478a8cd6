/// How `destroy` undoes what one setup step made: the delete command and a read-only probe proving it is gone.
public struct Teardown: Equatable, Hashable, Sendable, Codable {
    /// The delete step's id in the destroy plan, e.g. `delete-cluster`.
    public var id: StepID
    /// What is removed, as a person names it, e.g. `the GKE cluster demo`.
    public var subject: String
    public var phase: TeardownPhase
    /// One line: why it is removed, or what removing it does.
    public var why: String
    /// Run as is; may hold `${NAME}` placeholders like setup steps.
    public var argv: [String]
    /// Succeeds when the thing is gone, so a resumed or repeated destroy sends no delete.
    public var gone: Probe
    public var timeoutSeconds: Int
    /// Checks run right after the delete, e.g. waiting until the Ray pods or the cluster are really gone.
    public var waits: [Step]

    public init(id: StepID, subject: String, phase: TeardownPhase, why: String, argv: [String], gone: Probe,
                timeoutSeconds: Int = 300, wait: Step? = nil) {
        self.id = id
        self.subject = subject
        self.phase = phase
        self.why = why
        self.argv = argv
        self.gone = gone
        self.timeoutSeconds = timeoutSeconds
        waits = wait.map { [$0] } ?? []
    }

    /// The destroy plan's steps for this teardown: the delete, then its wait.
    public var steps: [Step] {
        let delete = Step(id: id, title: "Delete \(subject)", why: why, argv: argv, probe: gone, kind: .delete,
                          timeoutSeconds: timeoutSeconds)
        return [delete] + waits
    }
}

/// Where a deletion comes in the destroy plan: what uses a thing goes before it, the cluster last.
public enum TeardownPhase: Int, Comparable, Equatable, Hashable, Sendable, Codable, CaseIterable {
    /// The Ray pods stop first, so nothing is using the identity or the bucket while they go.
    case rayCluster
    /// The head's NetworkPolicy goes once the Ray pods are gone, so the head is never reachable without it.
    case networkPolicy
    case operatorRelease
    case kubernetesServiceAccount
    case namespace
    case iamBinding
    case iamServiceAccount
    case bucketBinding
    /// Only with `--delete-bucket`: it holds the user's data.
    case bucket
    case nodePool
    case cluster

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
