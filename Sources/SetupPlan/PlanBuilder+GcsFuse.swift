extension PlanBuilder {
    /// The GKE add-on name of the Cloud Storage FUSE CSI driver.
    static let gcsFuseAddon = "GcsFuseCsiDriver"

    /// With `bucket.mount`, on a Standard cluster: the add-on enabled (found done after a create that asked for it;
    /// also turns it on when the mount is chosen later, on `resume --replan`). Autopilot has it on already.
    static func gcsFuseAddonSteps(_ a: Answers, _ c: Commands) -> [Step] {
        guard a.bucket.mount, !a.isAutopilot else { return [] }
        return [Step(id: .enableGcsFuseAddon, title: "Enable the Cloud Storage FUSE CSI driver add-on",
                     why: "It mounts the bucket in the Ray pods; without it pods asking for the mount are refused.",
                     argv: c.clusterUpdate(["--update-addons", "\(gcsFuseAddon)=ENABLED"]),
                     probe: Probe(argv: c.clusterDescribe("value(addonsConfig.gcsFuseCsiDriverConfig.enabled)"), expect: .equals("True")),
                     kind: .update, timeoutSeconds: 1800, retry: clusterOperationWait)]
    }

    /// With `bucket.mount`: each Ray node writes through the mount what the API reads, and reads what the API wrote.
    static func verifyMountSteps(_ a: Answers, _ c: Commands, checkScript: String) -> [Step] {
        guard a.bucket.mount else { return [] }
        let exec = c.kubectl(["exec", "service/\(a.ray.clusterName)-head-svc", "--namespace", a.identity.namespace]) + ["--"]
        return [Step(id: .verifyMount, title: "Check the bucket's mount both ways on every Ray node",
                     why: "A file written in \(a.bucket.mountPath) is read through the Cloud Storage API, and an object written "
                        + "through the API is read from \(a.bucket.mountPath), on each node.",
                     argv: exec + ["python", "-c", checkScript, "nodes", a.bucket.name, MountCheck.prefix, checkText, a.bucket.mountPath],
                     kind: .verify, timeoutSeconds: 600,
                     retry: iamWait)]
    }
}
