/// The whole job as ordered steps plus the RayCluster manifest: what `plan` shows and `apply` runs.
public struct Plan: Equatable, Sendable {
    public var answers: Answers
    public var steps: [Step]
    /// raycluster.yaml, exactly as written to the workspace.
    public var manifest: String
    /// The in-pod bucket check program run by the verify step.
    public var checkScript: String

    public init(answers: Answers, steps: [Step], manifest: String, checkScript: String) {
        self.answers = answers
        self.steps = steps
        self.manifest = manifest
        self.checkScript = checkScript
    }

    /// The plan's step `id`, if it has one.
    public func step(_ id: StepID) -> Step? { steps.first { $0.id == id } }

    /// The index of the bucket check (its Ray tasks write and read back the bucket on every node: what a finished
    /// run quotes), if the plan has one.
    public var bucketCheckIndex: Int? { steps.firstIndex { $0.id == .verifyBucket } }

    /// What the workspace file `name` a step reads holds, if the plan writes it.
    public func contents(of name: String) -> String? { name == WorkspaceFiles.manifest ? manifest : nil }
}
