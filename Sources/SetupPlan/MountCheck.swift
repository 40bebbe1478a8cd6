import WizardResources

/// The in-pod program that proves the bucket's mount works both ways on every Ray node.
public enum MountCheck {
    /// The first line of `script`, by which the emulator recognises it.
    public static let marker = "# kuberay-gcs-wizard mount check"
    /// Where its files go in the bucket (one pair per Ray node under this folder).
    public static let prefix = "kuberay-gcs-wizard-mount-check"

    /// Run in the head pod as `python -c SCRIPT BUCKET MOUNT_PATH PREFIX TEXT` (Resources/mount_check.py). For each
    /// alive Ray node, a Ray task pinned there writes PREFIX/NODE-mount.txt through the mount and the driver reads it
    /// through the Cloud Storage API; the driver writes PREFIX/NODE-api.txt through the API and a task there reads it
    /// through the mount. Prints "NODE mount->api ok, api->mount ok" per node (failures name the error), exits 1 when
    /// any fails.
    public static var script: String { WizardResources.mountCheckScript }
}
