import SetupPlan

/// A GPU node the autoscaler could not add because its zone ran out (`FailedScaleUp ... GCE out of resources`): a
/// node pool that scales from 0 meets a stockout only here, not when it is created.
extension PodDiagnosis {
    /// The stockout behind the first waiting pod, when the autoscaler's event says the one zone it tried is out of
    /// resources and the pod's group asks for a GPU type; nil otherwise (another reason, several zones tried, a CPU pod).
    static func stockout(_ wait: PodWait, pods: String, events: String, answers: Answers) -> Stockout? {
        guard let (list, allEvents) = decode(pods: pods, events: events),
              let first = list.items.first(where: { !$0.isReady }) else { return nil }
        let why = reason(first, events: allEvents)
        guard why.kind == .capacity, let zones = scaleUpZones(why.text), zones.count == 1,
              let gpu = answers.ray.workers.first(where: { $0.name == first.group })?.gpu else { return nil }
        return Stockout(code: "GCE out of resources", zone: zones[0], resource: .accelerator(gpu.type), project: answers.project)
    }

    /// The zones of the autoscaler's "Node scale up in zones Z1, Z2 associated with this pod failed: ...".
    static func scaleUpZones(_ text: String) -> [String]? {
        guard let start = text.range(of: "in zones "), let end = text.range(of: " associated", range: start.upperBound..<text.endIndex)
        else { return nil }
        let zones = text[start.upperBound..<end.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return zones.allSatisfy { NamingRules.zone($0) == nil } && !zones.isEmpty ? zones : nil
    }
}
