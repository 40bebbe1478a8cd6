/// How to get each tool the plan runs, said once for the failure hints, the welcome screen and the wizard's warnings.
public enum ToolInstall {
    /// The install page or command for `tool` (gcloud, kubectl, gke-gcloud-auth-plugin, helm), or nil for another.
    public static func source(_ tool: String) -> String? {
        switch tool {
        case "gcloud": return "https://cloud.google.com/sdk/docs/install"
        case "kubectl", "gke-gcloud-auth-plugin": return "gcloud components install \(tool)"
        case "helm": return "https://helm.sh/docs/intro/install/"
        default: return nil
        }
    }

    /// Whether `source` is a web page (to read) rather than a command (to run).
    public static func isPage(_ source: String) -> Bool { source.hasPrefix("https://") }
}
