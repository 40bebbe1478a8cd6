/// The whole job as ordered steps plus the RayCluster manifest: what `plan` shows and `apply` runs.
public struct Plan: Equatable, Sendable {
    public var answers: Answers
    public var steps: [Step]
    /// raycluster.yaml, exactly as written to the workspace.
    public var manifest: String
    /// The in-pod bucket check program run by the verify step.
    public var checkScript: String
    /// With `ray.auth` token: the RayCluster whose containers read the token from the plan's own Secret
    /// (`raycluster-auth-manual.yaml`), applied when the operator has no `authOptions`.
    public var manualAuthManifest: String?
    /// With `ray.networkPolicy`: the head's NetworkPolicy (`networkpolicy.yaml`).
    public var networkPolicy: String?

    public init(answers: Answers, steps: [Step], manifest: String, checkScript: String, manualAuthManifest: String? = nil,
                networkPolicy: String? = nil) {
        self.answers = answers
        self.steps = steps
        self.manifest = manifest
        self.checkScript = checkScript
        self.manualAuthManifest = manualAuthManifest
        self.networkPolicy = networkPolicy
    }

    /// The plan's step `id`, if it has one.
    public func step(_ id: StepID) -> Step? { steps.first { $0.id == id } }

    /// The index of the bucket check (its Ray tasks write and read back the bucket on every node: what a finished
    /// run quotes), if the plan has one.
    public var bucketCheckIndex: Int? { steps.firstIndex { $0.id == .verifyBucket } }

    /// What the workspace file `name` a step reads holds, if the plan writes it.
    public func contents(of name: String) -> String? {
        switch name {
        case WorkspaceFiles.manifest: return manifest
        case WorkspaceFiles.manualAuthManifest: return manualAuthManifest
        case WorkspaceFiles.networkPolicy: return networkPolicy
        case WorkspaceFiles.operatorCheck where answers.ray.networkPolicy: return OperatorCheck(answers).yaml
        default: return nil
        }
    }

    /// The workspace files the plan applies, as export writes them: raycluster.yaml, with `ray.auth` token the manual
    /// form beside it, and with `ray.networkPolicy` the head's NetworkPolicy.
    public var manifestFiles: [(name: String, text: String)] {
        [(WorkspaceFiles.manifest, manifest)] + (manualAuthManifest.map { [(WorkspaceFiles.manualAuthManifest, $0)] } ?? [])
            + (networkPolicy.map { [(WorkspaceFiles.networkPolicy, $0)] } ?? [])
    }
}
