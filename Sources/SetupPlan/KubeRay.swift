/// Facts about the KubeRay release the plan installs and the manifest targets.
public enum KubeRay {
    /// The kuberay-operator Helm chart version installed with `operator: helm`; the manifest is checked against its CRD.
    public static let operatorVersion = "1.7.0"
}
