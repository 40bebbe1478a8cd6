import SetupPlan

/// Whether the zone offers what the plan picks: the worker groups' GPU types and the nodes' machine types.
extension Preflight {
    /// The zones the plan's nodes may go to: the cluster's zone, or any zone of the region for a regional cluster
    /// (Autopilot, or an existing one whose location is a region).
    var nodeZones: (zone: String?, region: String) {
        let location = answers.clusterLocation
        return (NamingRules.zone(location) == nil ? location : nil, answers.region)
    }

    /// The zone of a Compute Engine URL or name (`.../zones/us-west1-b` -> `us-west1-b`).
    static func zoneName(_ text: String) -> String { text.split(separator: "/").last.map(String.init) ?? text }

    /// The zones of `region` in `offered`, sorted.
    static func zones(in region: String, _ offered: Set<String>) -> [String] {
        offered.filter { $0.hasPrefix(region + "-") }.sorted()
    }

    /// What to do when `what` is not offered where the cluster is: the zones of the region that offer it, else the
    /// regions that do.
    func elsewhere(_ what: String, offered: Set<String>) -> String {
        let region = answers.region
        let inRegion = Self.zones(in: region, offered)
        let moveZone = answers.cluster.mode == .createStandard
        if let first = inRegion.first {
            return "Zones of \(region) that offer \(what): \(inRegion.joined(separator: ", "))"
                + (moveZone ? "; --set zone=\(first)" : "; the node pool goes where the cluster is, so use a cluster in one of them")
        }
        let regions = offered.sorted().map(NamingRules.region(ofZone:)).uniqued()
        if regions.isEmpty { return "No zone offers \(what) to this project." }
        return "No zone of \(region) offers \(what); regions that do: \(regions.prefix(6).joined(separator: ", "))"
            + (regions.count > 6 ? ", …" : "")
    }

    static let acceleratorCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let p = f.preflight, (zone, region) = p.nodeZones
        let title = "GPU types in \(zone ?? region)"
        guard let result = f.results[ReadID.accelerators] else { return nil }
        // An empty list is no proof that no zone has the types: the API may be off, or the answer incomplete.
        guard result.succeeded, !result.incomplete, let list = f.json(ReadID.accelerators), !list.array.isEmpty else {
            return f.unreadable(.accelerators, title, read: ReadID.accelerators,
                                why: result.succeeded && !result.incomplete ? "no zone listed any of the types" : nil)
        }
        var offered: [String: Set<String>] = [:]
        for item in list.array {
            guard let name = item["name"].string, let place = item["zone"].string else { continue }
            offered[name, default: []].insert(zoneName(place))
        }
        var evidence: [String] = [], advice: [String] = [], broken = false
        for type in p.gpuTypes {
            let offering = offered[type] ?? []
            let here = zone.map { offering.contains($0) } ?? !zones(in: region, offering).isEmpty
            if here {
                evidence.append("\(type): offered in \(zone ?? zones(in: region, offering).joined(separator: ", "))")
            } else {
                broken = true
                evidence.append("\(type): not offered in \(zone ?? "any zone of \(region)")")
                advice.append(p.elsewhere(type, offered: offering))
            }
        }
        return Check(id: .accelerators, title: title, status: broken ? .broken : .ok, evidence: evidence,
                     advice: advice.isEmpty ? nil : advice.joined(separator: "\n"))
    }

    /// guestCpus per machine type and zone, from the machine-types read.
    static func machineOffer(_ f: PreflightFacts) -> [String: [String: Int]]? {
        guard let list = f.json(ReadID.machineTypes), list.raw is [Any] else { return nil }
        var offer: [String: [String: Int]] = [:]
        for item in list.array {
            guard let name = item["name"].string, let zone = item["zone"].string else { continue }
            offer[name, default: [:]][zoneName(zone)] = item["guestCpus"].number.map { Int($0) } ?? 0
        }
        return offer
    }

    static let machineTypeCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let p = f.preflight, (zone, region) = p.nodeZones
        let title = "Machine types in \(zone ?? region)"
        guard let result = f.results[ReadID.machineTypes] else { return nil }
        guard result.succeeded, !result.incomplete, let offer = machineOffer(f), !offer.isEmpty else {
            return f.unreadable(.machineTypes, title, read: ReadID.machineTypes,
                                why: result.succeeded && !result.incomplete ? "no zone of \(region) listed any of the types" : nil)
        }
        var evidence: [String] = [], advice: [String] = [], broken = false
        for machine in p.plannedMachines.map(\.machineType).uniqued() {
            let offering = Set(offer[machine]?.keys.map { $0 } ?? [])
            let here = zone.map { offering.contains($0) } ?? !zones(in: region, offering).isEmpty
            if here {
                evidence.append("\(machine): offered in \(zone ?? region)")
            } else {
                broken = true
                evidence.append("\(machine): not offered in \(zone ?? "any zone of \(region)")")
                advice.append(p.elsewhere(machine, offered: offering))
            }
        }
        return Check(id: .machineTypes, title: title, status: broken ? .broken : .ok, evidence: evidence,
                     advice: advice.isEmpty ? nil : advice.joined(separator: "\n"))
    }
}
