import RunModel
import SetupPlan

/// A cluster or node pool create that found no capacity in its zone (`GCE_STOCKOUT`,
/// `ZONE_RESOURCE_POOL_EXHAUSTED`): where else in the region to go, and how.
struct Stockout: Equatable {
    var code: String
    var zone: String
    /// The GPU type the command asked for, or else its machine type: what the other zones must offer.
    var resource: Resource
    var project: String?

    enum Resource: Equatable {
        case accelerator(String), machineType(String)
    }

    /// The stockout a failed command's output and argv show, or nil (no stockout code, or nothing to look for).
    init?(stderr: [String], argv: [String]) {
        let text = stderr.joined(separator: "\n")
        func value(_ flag: String) -> String? {
            argv.firstIndex(of: flag).flatMap { argv.indices.contains($0 + 1) ? argv[$0 + 1] : nil }
        }
        guard let code = Self.match(#"\b(GCE_STOCKOUT|ZONE_RESOURCE_POOL_EXHAUSTED(?:_WITH_DETAILS)?)\b"#, in: text),
              let zone = Self.match(#"zones/([a-z]+-[a-z]+[0-9]+-[a-z])\b"#, in: text) else { return nil }
        if let gpu = value("--accelerator").flatMap({ Self.match(#"type=([^,]+)"#, in: $0) }) {
            resource = .accelerator(gpu)
        } else if let machine = value("--machine-type") {
            resource = .machineType(machine)
        } else {
            return nil
        }
        self.code = code
        self.zone = zone
        project = value("--project")
    }

    init(code: String, zone: String, resource: Resource, project: String?) {
        self.code = code
        self.zone = zone
        self.resource = resource
        self.project = project
    }

    /// The zone's region: `us-west1-b` -> `us-west1`.
    var region: String { NamingRules.region(ofZone: zone) }

    /// The read that lists the zones of the region offering the resource (one zone per line).
    var zonesRead: [String] {
        let (list, name) = switch resource {
        case .accelerator(let type): ("accelerator-types", type)
        case .machineType(let type): ("machine-types", type)
        }
        return ["gcloud", "compute", list, "list"] + (project.map { ["--project", $0] } ?? [])
            + ["--filter", "name=\(name) AND zone~\(region)-", "--format", "value(zone.basename())"]
    }

    /// The hint, with `others` (the region's other zones that offer the resource; nil when they could not be read).
    /// `leftBehind`: what a failed create leaves in ERROR, which GKE does not retry, so waiting for capacity means
    /// deleting it first (nil when nothing was left: the autoscaler's failed scale-up).
    func hint(others: [String]?, answers: Answers, leftBehind: Teardown? = nil) -> Hint {
        let (what, nodes, other) = switch resource {
        case .accelerator(let type): (type, "GPU nodes", "another ray.workers[N].gpu.type")
        case .machineType(let type): (type, "nodes", "another cluster.machineType")
        }
        let summary = "No capacity for \(what) in \(zone) (\(code)): Compute Engine could not start the \(nodes) there."
        let key = answers.cluster.mode == .existing ? "cluster.location" : "zone"
        let move: String
        if let others, let first = others.first {
            move = "Other zones of \(region) offer \(what): \(others.joined(separator: ", ")). Move there: resume with "
                + "--set \(key)=\(first) --replan"
                + (answers.cluster.mode == .existing ? " (a cluster in that zone)"
                    : " (a new cluster there; destroy the one in \(zone) if it is no longer needed)")
        } else if others != nil {
            move = "No other zone of \(region) offers \(what): answer another region's zone (--set \(key)=ZONE --replan) or \(other)"
        } else {
            move = "List the zones of \(region) that offer it (\(ShellQuote.join(zonesRead))) and resume with --set \(key)=ZONE --replan"
        }
        let later = leftBehind.map { left in
            // Synchronous, so the resume finds it gone.
            let delete = ShellQuote.join(left.argv.filter { $0 != "--async" })
            return "; or, to stay in \(zone), delete \(left.subject) the failed create left in ERROR (`\(delete)`) and resume "
                + "once the zone has capacity again."
        } ?? "; or resume later, when the zone has capacity again."
        return Hint(summary: summary, fix: move + later)
    }

    private static func match(_ pattern: String, in text: String) -> String? {
        guard let regex = try? Regex(pattern), let found = try? regex.firstMatch(in: text),
              found.output.count > 1, let value = found.output[1].substring else { return nil }
        return String(value)
    }
}
