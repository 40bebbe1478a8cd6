import SetupPlan

/// GPU and CPU quotas against what the plan may need: ✗ when what must run from the start does not fit, ! when only
/// the most the autoscaler may add does not.
extension Preflight {
    static let globalGPUs = "GPUS_ALL_REGIONS", globalCPUs = "CPUS_ALL_REGIONS", regionalCPUs = "CPUS"
    /// Machine families with a vCPU quota of their own; the others count against CPUS.
    static let cpuFamilies = ["n2", "n2d", "c2", "c2d", "c3", "a2"]

    /// The vCPU metric of a machine type: its family's, or CPUS.
    static func cpuMetric(_ machineType: String) -> String {
        let family = machineType.split(separator: "-").first.map(String.init) ?? ""
        return cpuFamilies.contains(family) ? family.uppercased() + "_CPUS" : regionalCPUs
    }

    /// What the plan needs of one quota: at least `min` (runs from the start), at most `max`.
    struct QuotaNeed {
        var metric: String
        /// The region, or nil for a project-wide (`_ALL_REGIONS`) quota.
        var region: String?
        var min: Double
        var max: Double
        /// The worker groups that draw on it, by index, with what one of their pods (or nodes) takes and how many it
        /// may have (for a `--set` that fits).
        var groups: [(index: Int, perPod: Double, maxPods: Int)] = []
    }

    /// The GPU quotas the worker groups draw on: one per type in the region, and their sum project-wide.
    var gpuNeeds: [QuotaNeed] {
        var needs: [QuotaNeed] = []
        var total = QuotaNeed(metric: Self.globalGPUs, region: nil, min: 0, max: 0)
        for type in gpuTypes {
            var need = QuotaNeed(metric: GPUType.named(type)?.quotaMetric ?? type, region: answers.region, min: 0, max: 0)
            for (index, group) in answers.ray.workers.enumerated() {
                guard let gpu = group.gpu, gpu.type == type else { continue }
                let pods = podRange(group)
                need.min += Double(pods.min * gpu.count)
                need.max += Double(pods.max * gpu.count)
                need.groups.append((index, Double(gpu.count), pods.max))
            }
            total.min += need.min
            total.max += need.max
            total.groups += need.groups
            needs.append(need)
        }
        return needs + [total]
    }

    /// The vCPU quotas the nodes (Standard) or pods (Autopilot) the plan may add draw on; `cpus` gives a machine
    /// type's vCPUs.
    func cpuNeeds(cpus: (String) -> Int?) -> [QuotaNeed]? {
        var regional: [String: QuotaNeed] = [:], order: [String] = []
        func add(_ metric: String, _ min: Double, _ max: Double, group: (Int, Double, Int)? = nil) {
            if regional[metric] == nil { order.append(metric) }
            var need = regional[metric] ?? QuotaNeed(metric: metric, region: answers.region, min: 0, max: 0)
            need.min += min
            need.max += max
            if let group { need.groups.append(group) }
            regional[metric] = need
        }
        if answers.isAutopilot {
            // Autopilot bills and places pods: each pod's request, rounded up to whole vCPUs.
            let head = ((Quantity.cpuMillis(answers.ray.headCPU) ?? 0) / 1000).rounded(.up)
            add(Self.regionalCPUs, head, head)
            for (index, group) in answers.ray.workers.enumerated() {
                let perPod = ((Quantity.cpuMillis(group.cpu) ?? 0) / 1000).rounded(.up)
                let pods = podRange(group)
                add(Self.regionalCPUs, Double(pods.min) * perPod, Double(pods.max) * perPod, group: (index, perPod, pods.max))
            }
        } else {
            for demand in plannedMachines {
                guard let each = cpus(demand.machineType) else { return nil }
                let index = answers.ray.workers.firstIndex { $0.nodePoolName == demand.pool && $0.gpu != nil }
                add(Self.cpuMetric(demand.machineType), Double(demand.minNodes * each), Double(demand.maxNodes * each),
                    group: index.map { ($0, Double(each), demand.maxNodes) })
            }
        }
        let needs = order.compactMap { regional[$0] }
        guard !needs.isEmpty else { return [] }
        let total = QuotaNeed(metric: Self.globalCPUs, region: nil, min: needs.map(\.min).reduce(0, +),
                              max: needs.map(\.max).reduce(0, +), groups: needs.flatMap(\.groups))
        return needs + [total]
    }

    static let gpuQuotaCheck: @Sendable (PreflightFacts) -> Check? = { f in
        quotaCheck(f, id: .gpuQuota, title: "GPU quota in \(f.answers.region)", needs: f.preflight.gpuNeeds)
    }

    static let cpuQuotaCheck: @Sendable (PreflightFacts) -> Check? = { f in
        let title = "CPU quota in \(f.answers.region)"
        let offer = f.results[ReadID.machineTypes].flatMap { _ in machineOffer(f) }
        if !f.preflight.plannedMachines.isEmpty && f.results[ReadID.machineTypes] == nil { return nil }
        let zone = f.preflight.nodeZones.zone
        // The read's vCPUs, else the count machine type names end in (e2-standard-8).
        let needs = f.preflight.cpuNeeds { machine in
            if let byZone = offer?[machine], let cpus = zone.flatMap({ byZone[$0] }) ?? byZone.values.first, cpus > 0 { return cpus }
            return machine.split(separator: "-").last.flatMap { Int($0) }
        }
        guard let needs else {
            return f.unreadable(.cpuQuota, title, read: ReadID.machineTypes, why: "a machine type's vCPUs are unknown")
        }
        return quotaCheck(f, id: .cpuQuota, title: title, needs: needs)
    }

    /// Decides a quota check: each need against its region's or the project's quota.
    static func quotaCheck(_ f: PreflightFacts, id: CheckID, title: String, needs: [QuotaNeed]) -> Check? {
        guard let regionResult = f.results[ReadID.region], let globalResult = f.results[ReadID.projectInfo] else { return nil }
        let regional = f.quotas(ReadID.region), global = f.quotas(ReadID.projectInfo)
        var evidence: [String] = [], advice: [String] = []
        var status = CheckStatus.ok
        func worsen(_ to: CheckStatus) { if status != .broken { status = to } }
        for need in needs where need.max > 0 {
            let read = need.region == nil ? ReadID.projectInfo : ReadID.region
            let scope = need.region.map { "in \($0)" } ?? "(all regions)"
            let range = need.min == need.max ? quotaNumber(need.max) : "\(quotaNumber(need.min)) to \(quotaNumber(need.max))"
            guard let quotas = need.region == nil ? global : regional else {
                let result = need.region == nil ? globalResult : regionResult
                let failed = f.unreadable(id, title, read: read, why: result.succeeded ? "the answer lists no quotas" : nil)
                evidence += failed.evidence.filter { !evidence.contains($0) }
                if let more = failed.advice, !advice.contains(more) { advice.append(more) }
                worsen(.warning)
                continue
            }
            guard let quota = quotas[need.metric] else {
                evidence.append("\(need.metric) \(scope): not listed by \(f.command(read)); the plan needs \(range)")
                worsen(.warning)
                continue
            }
            let free = quota.available
            evidence.append("\(need.metric) \(scope): \(quotaNumber(free)) free (limit \(quotaNumber(quota.limit)), "
                + "used \(quotaNumber(quota.usage))); the plan needs \(range)")
            guard need.max > free else { continue }
            let request = "Request more \(need.metric) \(need.region.map { "in \($0)" } ?? "(global)") at "
                + "https://console.cloud.google.com/iam-admin/quotas?project=\(f.answers.project)"
            if need.min > free {
                status = .broken
                let start = need.groups.filter { i in f.preflight.podRange(f.answers.ray.workers[i.index]).min > 0 }
                    .map { "--set ray.workers[\($0.index)].minReplicas=0" }
                advice.append(request + (start.isEmpty ? "" : ", or start no pods of the group until it is granted: \(start.joined(separator: " "))"))
            } else {
                worsen(.warning)
                var line = request
                if need.groups.count == 1, let group = need.groups.first, group.perPod > 0 {
                    // What the rest of the plan takes of the quota stays; the group gets what is left.
                    let others = need.max - group.perPod * Double(group.maxPods)
                    let fits = Int((max(0, free - others) / group.perPod).rounded(.down))
                    line += fits > 0 ? ", or cap the group: --set ray.workers[\(group.index)].maxReplicas=\(fits)"
                        : "; until then the group's pods wait for a node (FailedScaleUp)"
                } else {
                    line += "; until then the autoscaler stops short of the most the groups ask for"
                }
                advice.append(line)
            }
        }
        if evidence.isEmpty { evidence = ["the plan adds no node that draws on it"] }
        return Check(id: id, title: title, status: status, evidence: evidence,
                     advice: advice.isEmpty ? nil : advice.joined(separator: "\n"))
    }
}
