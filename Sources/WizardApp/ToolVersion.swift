import SetupPlan

/// What `--version` prints: this tool's release, the KubeRay operator it installs and the Ray version it defaults to.
public enum ToolVersion {
    /// This tool's release; bumped with each tagged release.
    public static let current = "0.1.0"

    /// Three lines, each fact read from the one place that sets it.
    public static var text: String {
        """
        kuberay-gcs-wizard \(current)
        KubeRay operator \(KubeRay.operatorVersion) (operator: helm; the manifest targets its CRD)
        Ray \(Answers.defaults.ray.version) (default ray.version)
        """
    }
}
