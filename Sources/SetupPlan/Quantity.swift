/// Kubernetes resource quantities, enough to compare requests with limits.
public enum Quantity {
    /// CPU in millicores: `1` -> 1000, `500m` -> 500.
    public static func cpuMillis(_ v: String) -> Double? {
        if v.hasSuffix("m") { return Double(v.dropLast()) }
        return Double(v).map { $0 * 1000 }
    }

    /// Memory in bytes: `2Gi` -> 2147483648.
    public static func bytes(_ v: String) -> Double? {
        let units: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
        ]
        for (suffix, factor) in units where v.hasSuffix(suffix) {
            return Double(v.dropLast(suffix.count)).map { $0 * factor }
        }
        return Double(v)
    }
}
