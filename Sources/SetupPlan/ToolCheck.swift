/// The read-only commands that show a tool is installed and how gcloud is set up: the plan's preflight steps run
/// them, and the wizard runs them before asking anything.
public enum ToolCheck {
    /// `gcloud config get-value PROPERTY`: the active account (`account`), default project or zone (`compute/zone`).
    public static func gcloudConfig(_ property: String) -> [String] {
        ["gcloud", "config", "get-value", property]
    }

    /// `gcloud config list --format json`: the account and every default at once (environment overrides included).
    public static let gcloudConfigList = ["gcloud", "config", "list", "--format", "json"]

    /// The command that prints `tool`'s version (gcloud, kubectl, gke-gcloud-auth-plugin, helm) and needs no cluster.
    public static func version(_ tool: String) -> [String] {
        switch tool {
        case "kubectl": return ["kubectl", "version", "--client"]
        case "helm": return ["helm", "version", "--short"]
        default: return [tool, "--version"]
        }
    }
}
