/// Facts about the KubeRay release the plan installs and the manifest targets.
public enum KubeRay {
    /// The kuberay-operator Helm chart version installed with `operator: helm`; the manifest is checked against its CRD.
    public static let operatorVersion = "1.7.0"
    /// The `ray.io/group` KubeRay gives the head's pod (the bucket probe names a node by it, so no worker group may).
    public static let headGroup = "headgroup"
}
