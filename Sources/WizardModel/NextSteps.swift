import SetupPlan

/// What to do with the cluster once it is up, as exact commands.
public enum NextSteps {
    /// With `ray.auth` token: puts the Ray token into this shell for `ray job` (and to paste where the dashboard asks
    /// for it), read from its Secret by the person's own kubectl; the wizard never reads or prints the value.
    public static func tokenExport(_ a: Answers) -> String? {
        guard a.ray.auth == .token else { return nil }
        let ns = a.identity.namespace == "default" ? "" : "-n \(ShellQuote.quote(a.identity.namespace)) "
        let secret = ShellQuote.quote(RayClusterManifest.tokenSecretName(a))
        return "export \(RayClusterManifest.authModeEnvVar)=token \(RayClusterManifest.authTokenEnvVar)=$(kubectl \(ns)get secret \(secret) "
            + "-o jsonpath='{.data.\(RayClusterManifest.tokenSecretKey)}' --context \(a.kubeContext) | base64 -d)"
    }

    /// With the bucket mounted: a Ray Train run configuration whose checkpoints and results go to the bucket through
    /// the mount every Ray node has, so any worker can write them and a restarted run finds them.
    public static func trainStorage(_ a: Answers) -> String? {
        guard a.bucket.mount else { return nil }
        return "ray.train.RunConfig(storage_path=\"\(a.bucket.mountPath)\", name=\"my-run\")"
    }
}
