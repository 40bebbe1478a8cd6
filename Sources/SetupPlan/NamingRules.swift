/// The naming rules Google Cloud, GKE and Kubernetes enforce for each answer. Each check returns the broken
/// rule, or nil when the value is fine.
/// They also keep every value that reaches a command free of quotes, `$`, `;`, spaces and the like.
public enum NamingRules {
    /// A zone's region: `us-west1-b` -> `us-west1`.
    public static func region(ofZone zone: String) -> String {
        String(zone[..<(zone.lastIndex(of: "-") ?? zone.endIndex)])
    }

    public static func project(_ v: String) -> String? {
        guard v.count >= 6, v.count <= 30 else { return "project IDs are 6-30 characters" }
        guard v.wholeMatch(of: #/[a-z][a-z0-9-]*[a-z0-9]/#) != nil else {
            return "project IDs use lowercase letters, digits and hyphens, start with a letter and do not end with a hyphen"
        }
        return nil
    }

    public static func zone(_ v: String) -> String? {
        guard v.wholeMatch(of: #/[a-z]+-[a-z]+[0-9]+-[a-z]/#) != nil else {
            return "zones look like REGION-LETTER, e.g. us-west1-b"
        }
        return nil
    }

    /// An existing cluster's location: a zone (Standard) or a region (regional Standard, every Autopilot).
    public static func clusterLocation(_ v: String) -> String? {
        guard zone(v) == nil || v.wholeMatch(of: #/[a-z]+-[a-z]+[0-9]+/#) != nil else {
            return "cluster locations are a zone (e.g. us-west1-b) or a region (e.g. us-west1)"
        }
        return nil
    }

    /// A GKE node pool name: the same shape as a cluster name.
    public static func nodePool(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 40, isGKEName(v) else {
            return "node pool names are 1-40 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen"
        }
        return nil
    }

    public static func clusterName(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 40 else { return "cluster names are 1-40 characters" }
        guard isGKEName(v) else {
            return "cluster names use lowercase letters, digits and hyphens, start with a letter and do not end with a hyphen"
        }
        return nil
    }

    /// Lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (clusters, node pools).
    private static func isGKEName(_ v: String) -> Bool {
        v.wholeMatch(of: #/[a-z]([a-z0-9-]*[a-z0-9])?/#) != nil
    }

    public static func machineType(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 63, v.wholeMatch(of: #/[a-z][a-z0-9]*(-[a-z0-9]+)*/#) != nil else {
            return "machine types look like e2-standard-8: lowercase letters and digits joined by hyphens"
        }
        return nil
    }

    public static func namespace(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 63, v.wholeMatch(of: #/[a-z0-9]([-a-z0-9]*[a-z0-9])?/#) != nil else {
            return "namespaces are RFC 1123 labels: at most 63 lowercase letters, digits and '-', alphanumeric at both ends"
        }
        return nil
    }

    public static func kubernetesServiceAccount(_ v: String) -> String? {
        let label = #/[a-z0-9]([-a-z0-9]*[a-z0-9])?/#
        let ok = !v.isEmpty && v.count <= 253
            && v.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.wholeMatch(of: label) != nil }
        guard ok else {
            return "service account names are DNS subdomains: at most 253 lowercase letters, digits, '-' and '.', alphanumeric at both ends"
        }
        return nil
    }

    public static func iamServiceAccount(_ v: String) -> String? {
        guard v.count >= 6, v.count <= 30 else { return "IAM service account IDs are 6-30 characters" }
        guard v.wholeMatch(of: #/[a-z]([-a-z0-9]*[a-z0-9])/#) != nil else {
            return "IAM service account IDs use lowercase letters, digits and hyphens, start with a letter and end with a letter or digit"
        }
        return nil
    }

    public static func bucketName(_ v: String) -> String? {
        guard v.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".contains($0) }) else {
            return "bucket names use lowercase letters, digits, '-', '_' and '.'"
        }
        let parts = v.split(separator: ".", omittingEmptySubsequences: false)
        let maxLength = parts.count > 1 ? 222 : 63
        guard v.count >= 3, v.count <= maxLength else {
            return parts.count > 1 ? "dotted bucket names are 3-222 characters" : "bucket names are 3-63 characters"
        }
        guard let first = v.first, let last = v.last, first.isLetter || first.isNumber, last.isLetter || last.isNumber else {
            return "bucket names start and end with a letter or digit"
        }
        if parts.contains(where: { $0.isEmpty || $0.count > 63 }) {
            return "each dot-separated part of a bucket name is 1-63 characters"
        }
        if parts.count == 4, parts.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) {
            return "bucket names cannot be IP addresses"
        }
        if v.hasPrefix("goog") { return "bucket names cannot start with \"goog\"" }
        if ["google", "g00gle", "go0gle", "g0ogle", "googie", "gooogle"].contains(where: v.contains) {
            return "bucket names cannot contain \"google\" or close misspellings"
        }
        return nil
    }

    /// Regions (`us-west1`) and the multi- and predefined dual-regions.
    public static func bucketLocation(_ v: String) -> String? {
        if v.wholeMatch(of: #/[a-z]+-[a-z]+[0-9]+/#) != nil { return nil }
        if multiRegions.contains(v.uppercased()), v.wholeMatch(of: #/[A-Za-z]+[0-9]*/#) != nil { return nil }
        if zone(v) == nil { return "a zone is not a bucket location: use a region (e.g. \(v.dropLast(2))) or a multi-region (US, EU, ASIA)" }
        return "bucket locations are a region (e.g. us-west1) or a multi-region (US, EU, ASIA) or dual-region (NAM4, EUR4, ASIA1)"
    }

    static let multiRegions: Set<String> = ["US", "EU", "ASIA", "NAM4", "EUR4", "ASIA1", "EUR5", "EUR7", "EUR8"]

    public static func rayClusterName(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 50, v.wholeMatch(of: #/[a-z]([-a-z0-9]*[a-z0-9])?/#) != nil else {
            return "RayCluster names are at most 50 lowercase letters, digits and '-', start with a letter and end alphanumeric (pods and the head service add suffixes)"
        }
        return nil
    }

    public static func workerGroupName(_ v: String) -> String? {
        if v.isEmpty { return "is required" }
        guard v.count <= 36, isGKEName(v), v != KubeRay.headGroup else {
            return "worker group names are 1-36 lowercase letters, digits and hyphens, start with a letter, do not end with a hyphen "
                + "and are not \(KubeRay.headGroup) (a GPU group's node pool is ray-NAME)"
        }
        return nil
    }

    public static func rayVersion(_ v: String) -> String? {
        guard v.wholeMatch(of: #/[0-9]+\.[0-9]+\.[0-9]+/#) != nil else { return "Ray versions look like 2.52.0" }
        return nil
    }

    public static func image(_ v: String) -> String? {
        let ok = !v.isEmpty && v.count <= 255
            && v.wholeMatch(of: #/[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?/#) != nil
        guard ok else { return "images look like rayproject/ray:2.52.0 (registry/repository:tag, no spaces)" }
        return nil
    }

    public static func cpu(_ v: String) -> String? {
        guard v.wholeMatch(of: #/([0-9]+(\.[0-9]+)?|[0-9]+m)/#) != nil, Quantity.cpuMillis(v).map({ $0 > 0 }) ?? false else {
            return "CPU is a positive Kubernetes quantity, e.g. 1, 0.5 or 500m"
        }
        return nil
    }

    public static func memory(_ v: String) -> String? {
        guard v.wholeMatch(of: #/[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?/#) != nil, Quantity.bytes(v).map({ $0 > 0 }) ?? false else {
            return "memory is a positive Kubernetes quantity, e.g. 2Gi or 512Mi"
        }
        return nil
    }
}
