/// Where the mount check's files go: the bucket probe (Resources/bucket_probe.py) given the mount path writes, on
/// each Ray node, PREFIX/POD-mount.txt through the mount (read back through the Cloud Storage API) and
/// PREFIX/POD-api.txt through the API (read back through the mount).
public enum MountCheck {
    /// The folder of the mount check's objects in the bucket.
    public static let prefix = "kuberay-gcs-wizard-mount-check"
}
