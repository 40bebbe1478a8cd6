/// The Ray versions the wizard offers.
public enum RayVersions {
    /// The current Ray release (PyPI), whose `rayproject/ray` image exists.
    public static let `default` = "2.60.0"
    /// Versions known to work with the KubeRay release of `KubeRay.operatorVersion`, newest first (the last is what
    /// KubeRay's own samples pin).
    public static let knownGood = ["2.60.0", "2.59.0", "2.52.0"]

    /// Whether `version` (`MAJOR.MINOR.PATCH`) is `minimum` or later.
    public static func isAtLeast(_ version: String, _ minimum: String) -> Bool {
        let parts = { (text: String) in text.split(separator: ".").map { Int($0) ?? 0 } }
        return parts(version).lexicographicallyPrecedes(parts(minimum)) == false
    }
}
