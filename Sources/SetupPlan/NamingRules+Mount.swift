extension NamingRules {
    /// Folders of the Ray image and the system that a mount would hide.
    static let reservedMountRoots = ["/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/proc", "/root",
                                     "/sbin", "/sys", "/tmp", "/usr", "/var"]

    /// Where the bucket is mounted in the Ray containers: an absolute path of plain segments, outside the system's
    /// and Ray's own folders (a mount there would hide them).
    public static func mountPath(_ v: String) -> String? {
        guard v.count <= 200, v.wholeMatch(of: #/(/[A-Za-z0-9._-]+)+/#) != nil else {
            return "mount paths are absolute paths of letters, digits, '.', '_' and '-', e.g. /mnt/cluster_storage"
        }
        let segments = v.split(separator: "/")
        guard !segments.contains(where: { $0 == "." || $0 == ".." }) else {
            return "mount paths may not contain '.' or '..' segments"
        }
        if let root = reservedMountRoots.first(where: { v == $0 || v.hasPrefix($0 + "/") }) {
            return "mount paths may not be in \(root), which the Ray image needs; use a folder such as /mnt/cluster_storage"
        }
        return nil
    }
}
