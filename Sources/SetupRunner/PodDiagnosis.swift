import Foundation
import RunModel
import SetupPlan

/// Why the pods of a failed wait step are not Ready, from what `kubectl get pods -o json` and `kubectl get events -o
/// json` read: the hint names the pods' role and group and quotes their own reason (the autoscaler's event, the
/// scheduler's message, an image pull error), with the fix for that reason. Pure.
enum PodDiagnosis {
    /// The hint for `wait`'s pods, or nil when the pod list cannot be read (the caller keeps its generic hint).
    static func hint(_ wait: PodWait, pods: String, events: String) -> Hint? {
        diagnose(wait, pods: pods, events: events)?.hint
    }

    /// The hint when GKE's autoscaler says it cannot add a node for one of the pods for want of quota: that does not
    /// pass by itself, as a stockout may, so a wait for them ends early. Nil for any other state.
    static func overQuota(_ wait: PodWait, pods: String, events: String) -> Hint? {
        guard let (hint, kind) = diagnose(wait, pods: pods, events: events), kind == .quota else { return nil }
        return hint
    }

    /// The hint and the kind of the reason it quotes: a pod over quota leads, being the reason that does not pass by
    /// itself; else the first pod not Ready.
    private static func diagnose(_ wait: PodWait, pods: String, events: String) -> (hint: Hint, kind: Reason.Kind?)? {
        guard let (list, allEvents) = decode(pods: pods, events: events) else { return nil }
        let waiting = list.items.filter { !$0.isReady }
        let reasons = waiting.map { reason($0, events: allEvents) }
        guard let at = reasons.firstIndex(where: { $0.kind == .quota }) ?? (waiting.isEmpty ? nil : 0) else {
            return list.items.isEmpty ? (noPods(wait, events: allEvents), nil) : nil
        }
        let first = waiting[at], why = reasons[at]
        let names = wait.role == .head ? [] : waiting.map(\.group).uniqued()
        let groups = names.map { name in wait.groups.first { $0.name == name } ?? PodWait.Group(name: name, index: -1) }
        let subject = subject(wait.role, groups: names)
        let more = waiting.count > 1 ? " (and \(waiting.count - 1) more)" : ""
        let summary = "\(subject) did not become Ready: \(first.name)\(more) is \(first.status?.phase ?? "not Ready"): \(why.text)"
        return (Hint(summary: summary, fix: fix(for: why, pod: first.name, namespace: wait.namespace, groups: groups)), why.kind)
    }

    /// The pod list, and the namespace's events in time order; nil when the pod list cannot be read.
    static func decode(pods: String, events: String) -> (PodList, [Event])? {
        guard let list = try? JSONDecoder().decode(PodList.self, from: Data(pods.utf8)) else { return nil }
        let allEvents = ((try? JSONDecoder().decode(EventList.self, from: Data(events.utf8)))?.items ?? [])
            .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        return (list, allEvents)
    }

    /// "The Ray head pod", "The Ray worker pods of group gpu".
    static func subject(_ role: PodWait.Role, groups: [String]) -> String {
        switch role {
        case .head: return "The Ray head pod"
        case .workers:
            guard !groups.isEmpty else { return "The Ray worker pods" }
            return "The Ray worker pods of group\(groups.count == 1 ? "" : "s") \(groups.joined(separator: ", "))"
        }
    }

    /// No pod at all: the operator did not make them, and the RayCluster's last warning says why (a missing service
    /// account, an admission webhook's refusal).
    private static func noPods(_ wait: PodWait, events: [Event]) -> Hint {
        let subject = subject(wait.role, groups: wait.groups.map(\.name))
        let why = events.last { $0.involvedObject?.kind == "RayCluster" && $0.involvedObject?.name == wait.rayCluster && $0.type == "Warning" }
        let describe = "kubectl describe raycluster \(wait.rayCluster) --namespace \(wait.namespace)"
        guard let why else {
            return Hint(summary: "\(subject) did not become Ready: the KubeRay operator created no pod.",
                        fix: "Check that the operator runs and look at `\(describe)` for why, then resume.")
        }
        return Hint(summary: "\(subject) did not become Ready: the KubeRay operator created no pod: \(why.reason ?? "Warning"): \(clip(why.message))",
                    fix: "Fix what the RayCluster's event names (a missing Kubernetes service account, a refused node selector), "
                        + "then resume; `\(describe)` shows its events.")
    }

    /// What keeps a pod from Ready, and which kind of cause it is.
    struct Reason: Equatable {
        enum Kind: Equatable { case quota, capacity, poolAtMaximum, noGPU, tooSmall, noMatchingNode, taint, image, crash, other }
        var kind: Kind
        var text: String
    }

    /// An unscheduled pod: the autoscaler's answer, else the scheduler's message. A scheduled one: a container's waiting
    /// reason, else its last warning. `events`: the namespace's, of which the pod's own are read.
    static func reason(_ pod: Pod, events: [Event]) -> Reason {
        let events = events.filter { $0.involvedObject?.kind == "Pod" && $0.involvedObject?.name == pod.name }
        let conditions = pod.status?.conditions ?? []
        let scheduled = conditions.first { $0.type == "PodScheduled" }
        if scheduled?.status == "False" {
            if let autoscaler = events.last(where: { ["FailedScaleUp", "NotTriggerScaleUp"].contains($0.reason ?? "") }) {
                return classified("\(autoscaler.reason ?? ""): \(clip(autoscaler.message))")
            }
            if let message = scheduled?.message, !message.isEmpty { return classified("\(scheduled?.reason ?? "Unschedulable"): \(clip(message))") }
            if let failed = events.last(where: { $0.reason == "FailedScheduling" }) { return classified("FailedScheduling: \(clip(failed.message))") }
            return Reason(kind: .other, text: "not scheduled on a node yet")
        }
        let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        let starting: Set<String> = ["ContainerCreating", "PodInitializing"]
        if let waiting = statuses.lazy.compactMap({ $0.state?.waiting }).first(where: { !starting.contains($0.reason ?? "") && $0.reason != nil }) {
            let reason = waiting.reason ?? ""
            // Back-off only says it waits; the kubelet's Failed event has the registry's answer.
            let pullFailure = events.last { $0.type == "Warning" && $0.reason == "Failed" && ($0.message ?? "").contains("pull") }
            let message = (reason == "ImagePullBackOff" ? pullFailure?.message : nil) ?? waiting.message
            return classified(reason + (message.map { ": \(clip($0))" } ?? ""))
        }
        if let warning = events.last(where: { $0.type == "Warning" }) {
            return classified("\(warning.reason ?? "Warning"): \(clip(warning.message))")
        }
        if let ready = conditions.first(where: { $0.type == "Ready" }), let message = ready.message, !message.isEmpty {
            return Reason(kind: .other, text: clip(message))
        }
        return Reason(kind: .other, text: pod.status?.phase == "Running" ? "running, not Ready yet" : "no reason given yet")
    }

    /// The kind of cause `text` names, by the words Kubernetes, GKE's autoscaler and the kubelet use.
    static func classified(_ text: String) -> Reason {
        let lower = text.lowercased()
        let kind: Reason.Kind
        if lower.contains("quota") {
            kind = .quota
        } else if lower.contains("out of resources") || lower.contains("stockout") || lower.contains("resource_pool_exhausted") {
            kind = .capacity
        } else if lower.contains("max node group size reached") {
            kind = .poolAtMaximum
        } else if lower.contains("insufficient nvidia.com/gpu") {
            kind = .noGPU
        } else if lower.contains("insufficient cpu") || lower.contains("insufficient memory") || lower.contains("insufficient ephemeral-storage") {
            kind = .tooSmall
        } else if ["errimagepull", "imagepullbackoff", "invalidimagename", "errimageneverpull", "failed to pull image"].contains(where: lower.contains) {
            kind = .image
        } else if lower.contains("untolerated taint") {
            kind = .taint
        } else if lower.contains("node affinity/selector") {
            kind = .noMatchingNode
        } else if lower.contains("crashloopbackoff") || lower.contains("back-off restarting") {
            kind = .crash
        } else {
            kind = .other
        }
        return Reason(kind: kind, text: text)
    }

    private static func fix(for reason: Reason, pod: String, namespace: String, groups: [PodWait.Group]) -> String {
        // The answer to change, when the pod's group is one of the answers'; the head's is not a worker group.
        func key(_ name: String) -> String {
            groups.first.flatMap { $0.index >= 0 ? $0.answerKey(name) : nil } ?? "the group's \(name)"
        }
        switch reason.kind {
        case .quota:
            return "GKE could not add a node: the project's quota in the region is too low (a new project has no GPU quota). "
                + "Request more (console: IAM & Admin > Quotas: the GPU type's quota and GPUS_ALL_REGIONS, or CPUS) and resume, "
                + (groups.isEmpty ? "or use a smaller machine." : "or start its pods only when Ray needs them: --set \(key("minReplicas"))=0 --replan.")
        case .capacity:
            return "The zone has no free machines of this kind now (a stockout): resume later, or choose another zone or GPU type "
                + "(--set ... --replan)."
        case .poolAtMaximum:
            return "The node pool is at its maximum size: raise \(key("maxReplicas")) (the pool's --max-nodes) or lower its replicas, then resume --replan."
        case .noGPU:
            return "No node has a free GPU of this type: on Standard the group's node pool (ray-GROUP, the plan's create-node-pool step) "
                + "must exist and be able to grow; then resume."
        case .tooSmall:
            return "No node has room for the pod's requests: lower the group's cpu/memory, or give the cluster larger or more nodes "
                + "(cluster.machineType, cluster.maxNodes); then resume."
        case .noMatchingNode:
            return "No node matches the pod's nodeSelector (the GKE metadata server label, a GPU type): check the node pools "
                + "(`kuberay-gcs-wizard doctor` checks them), then resume."
        case .taint:
            return "The pod does not tolerate the nodes' taint: compare its tolerations in \(WorkspaceFiles.manifest) with the node pool's taints, "
                + "then resume --replan."
        case .image:
            return "The image cannot be pulled: check ray.image (name and tag exist) and that the nodes reach the registry "
                + "(private nodes need Cloud NAT); then resume --replan."
        case .crash:
            return "The container keeps exiting: `kubectl logs \(pod) --namespace \(namespace) --previous` says why; then resume."
        case .other:
            return "`kubectl describe pod \(pod) --namespace \(namespace)` shows its conditions and events; fix the cause, then resume."
        }
    }

    /// One line of at most 300 characters: events and scheduler messages can be long.
    private static func clip(_ text: String?) -> String {
        let line = (text ?? "").split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.count > 300 ? String(line.prefix(299)) + "…" : line
    }

    // The parts of the Kubernetes objects read here; everything optional, as kubectl omits empty fields.

    struct PodList: Decodable { var items: [Pod] }

    struct Pod: Decodable {
        struct Metadata: Decodable {
            var name: String?
            var labels: [String: String]?
        }
        struct Status: Decodable {
            var phase: String?
            var conditions: [Condition]?
            var containerStatuses: [ContainerStatus]?
            var initContainerStatuses: [ContainerStatus]?
        }
        struct Condition: Decodable {
            var type: String?
            var status: String?
            var reason: String?
            var message: String?
        }
        struct ContainerStatus: Decodable {
            struct State: Decodable { var waiting: Waiting? }
            struct Waiting: Decodable {
                var reason: String?
                var message: String?
            }
            var state: State?
        }
        var metadata: Metadata?
        var status: Status?

        var name: String { metadata?.name ?? "a pod" }
        var group: String { metadata?.labels?["ray.io/group"] ?? "?" }
        var isReady: Bool { status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false }
    }

    struct EventList: Decodable { var items: [Event] }

    struct Event: Decodable {
        struct Object: Decodable {
            var kind: String?
            var name: String?
        }
        var type: String?
        var reason: String?
        var message: String?
        var involvedObject: Object?
        var lastTimestamp: String?
        var eventTime: String?
        var firstTimestamp: String?

        /// When it last happened, as RFC 3339 text (UTC, so text order is time order).
        var time: String { lastTimestamp ?? eventTime ?? firstTimestamp ?? "" }
    }
}
