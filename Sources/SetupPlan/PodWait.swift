/// The Ray pods a wait step waits for, and the read-only commands that tell why they are not Ready: a failed wait
/// then names the pods' own reason (the scheduler's message, the autoscaler's event, an image pull error).
public struct PodWait: Equatable, Hashable, Sendable, Codable {
    /// Which Ray pods: the head, or the workers of some groups.
    public enum Role: String, Equatable, Hashable, Sendable, Codable {
        case head, workers
    }

    /// A worker group waited for, with its place in the answers' `ray.workers`.
    public struct Group: Equatable, Hashable, Sendable, Codable {
        public var name: String
        public var index: Int

        public init(name: String, index: Int) {
            self.name = name
            self.index = index
        }

        /// The answer key of this group's `key` (`ray.workers[1].minReplicas`).
        public func answerKey(_ key: String) -> String { WorkerGroupFields.path(index, key) }
    }

    public var role: Role
    /// The worker groups waited for (none for the head).
    public var groups: [Group]
    /// The namespace the pods and their events are in.
    public var namespace: String
    /// The RayCluster that makes the pods; its events say why the operator made none.
    public var rayCluster: String
    /// `kubectl get pods -l SELECTOR -o json`: the pods waited for, with their conditions and container states.
    public var listPods: [String]
    /// `kubectl get events -o json` of the namespace: the scheduler's, the autoscaler's and the kubelet's reasons.
    public var listEvents: [String]

    public init(role: Role, groups: [Group] = [], namespace: String, rayCluster: String, listPods: [String], listEvents: [String]) {
        self.role = role
        self.groups = groups
        self.namespace = namespace
        self.rayCluster = rayCluster
        self.listPods = listPods
        self.listEvents = listEvents
    }
}

extension Commands {
    /// The pods of `role` (and `groups`) that `selector` picks in the identity namespace, and the reads that explain them.
    func podWait(_ role: PodWait.Role, groups: [PodWait.Group] = [], selector: String) -> PodWait {
        let namespace = answers.identity.namespace
        return PodWait(role: role, groups: groups, namespace: namespace, rayCluster: answers.ray.clusterName,
                       listPods: kubectl(["get", "pods", "-l", selector, "--namespace", namespace, "-o", "json"]),
                       listEvents: kubectl(["get", "events", "--namespace", namespace, "-o", "json"]))
    }
}
