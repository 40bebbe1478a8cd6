/// What the wizard found on this machine before asking anything.
public struct Detection: Equatable, Sendable {
    /// gcloud, kubectl, gke-gcloud-auth-plugin and helm, in that order.
    public var tools: [DetectedTool]
    /// gcloud's active account (`core/account`).
    public var account: String?
    /// gcloud's `core/project`, used as the default project.
    public var project: String?
    /// gcloud's `compute/zone`, used as the default zone.
    public var zone: String?
    /// Why gcloud's configuration could not be read (it did not answer in time, say); nil when it was read, so an
    /// account, project or zone that is nil is not set.
    public var configUnread: String?

    /// A detection result.
    public init(tools: [DetectedTool], account: String? = nil, project: String? = nil, zone: String? = nil, configUnread: String? = nil) {
        self.tools = tools
        self.account = account
        self.project = project
        self.zone = zone
        self.configUnread = configUnread
    }

    /// The tools the wizard looks for, in display order.
    public static let toolNames = ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"]
}

/// One command-line tool and whether it is on PATH.
public struct DetectedTool: Equatable, Sendable {
    public var name: String
    /// The first line of its version output, or nil when it is missing.
    public var version: String?

    /// A tool, found when `version` is not nil.
    public init(name: String, version: String?) {
        self.name = name
        self.version = version
    }

    /// Whether the tool is on PATH.
    public var isFound: Bool { version != nil }
}
