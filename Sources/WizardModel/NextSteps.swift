import SetupPlan

/// What to do with the cluster once it is up, as exact commands.
public enum NextSteps {
    /// Forwards the Ray dashboard to localhost:8265.
    public static func portForward(_ a: Answers) -> String {
        let ns = a.identity.namespace == "default" ? "" : "-n \(ShellQuote.quote(a.identity.namespace)) "
        return "kubectl \(ns)port-forward service/\(a.ray.clusterName)-head-svc 8265:8265"
    }

    /// Submits a small job that writes to and lists the bucket (run while the port-forward is up).
    public static func jobSubmit(_ a: Answers) -> String {
        let code = "import gcsfs; fs = gcsfs.GCSFileSystem(); print(fs.ls('\(a.bucket.name)'))"
        return "ray job submit --address http://localhost:8265 --runtime-env-json '{\"pip\": [\"gcsfs\"]}' -- python -c \"\(code)\""
    }
}
