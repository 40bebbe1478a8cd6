/// One Ray worker group: pods made from one template, scaled between `minReplicas` and `maxReplicas`.
public struct WorkerGroup: Equatable, Hashable, Sendable {
    public var name = "workers"
    public var replicas = 1
    public var minReplicas = 0
    public var maxReplicas = 3
    public var cpu = "1"
    public var memory = "2Gi"
    /// nil: a CPU-only group.
    public var gpu: GPU?

    public init(name: String = "workers") { self.name = name }

    /// The accelerators every pod of a group requests.
    public struct GPU: Equatable, Hashable, Sendable {
        /// A `GPUType.id`, e.g. `nvidia-l4`.
        public var type: String
        public var count: Int

        public init(type: String, count: Int = 1) {
            self.type = type
            self.count = count
        }
    }

    /// The node pool a GPU group's pods run on in a Standard cluster.
    public var nodePoolName: String { "ray-\(name)" }

    /// A group added after `existing`: the default CPU shape under the first free name `workers`, `workers-2`, ...
    public static func added(after existing: [WorkerGroup]) -> WorkerGroup {
        let taken = Set(existing.map(\.name))
        var number = existing.count + 1
        var name = existing.isEmpty ? "workers" : "workers-\(number)"
        while taken.contains(name) {
            number += 1
            name = "workers-\(number)"
        }
        return WorkerGroup(name: name)
    }
}

/// A GPU GKE offers to Ray worker groups, with the Compute Engine machine type that carries it.
public struct GPUType: Equatable, Sendable {
    /// The accelerator type as gcloud and the `cloud.google.com/gke-accelerator` node label spell it.
    public let id: String
    /// As a person names it, e.g. `L4` or `A100 80GB`.
    public let name: String
    /// GPUs per node this type comes in, each with the machine type that fits exactly that many.
    public let machines: [(count: Int, machineType: String)]
    /// Compute Engine's regional quota metric for this type, e.g. `NVIDIA_L4_GPUS`.
    public let quotaMetric: String

    public static func == (lhs: GPUType, rhs: GPUType) -> Bool { lhs.id == rhs.id }

    /// The types the wizard knows, cheapest first.
    public static let known: [GPUType] = [
        GPUType(id: "nvidia-tesla-t4", name: "T4", machines: [(1, "n1-standard-8"), (2, "n1-standard-16"), (4, "n1-standard-32")], quotaMetric: "NVIDIA_T4_GPUS"),
        GPUType(id: "nvidia-l4", name: "L4", machines: [(1, "g2-standard-8"), (2, "g2-standard-24"), (4, "g2-standard-48"), (8, "g2-standard-96")], quotaMetric: "NVIDIA_L4_GPUS"),
        GPUType(id: "nvidia-tesla-a100", name: "A100 40GB", machines: [(1, "a2-highgpu-1g"), (2, "a2-highgpu-2g"), (4, "a2-highgpu-4g"), (8, "a2-highgpu-8g")], quotaMetric: "NVIDIA_A100_GPUS"),
        GPUType(id: "nvidia-a100-80gb", name: "A100 80GB", machines: [(1, "a2-ultragpu-1g"), (2, "a2-ultragpu-2g"), (4, "a2-ultragpu-4g"), (8, "a2-ultragpu-8g")], quotaMetric: "NVIDIA_A100_80GB_GPUS"),
        GPUType(id: "nvidia-h100-80gb", name: "H100 80GB", machines: [(8, "a3-highgpu-8g")], quotaMetric: "NVIDIA_H100_GPUS"),
    ]

    /// The known type with this id.
    public static func named(_ id: String) -> GPUType? { known.first { $0.id == id } }

    /// The machine type for `count` GPUs of this type, if it comes in that count.
    public func machineType(count: Int) -> String? { machines.first { $0.count == count }?.machineType }

    /// The machine of one GPU of a type as help texts give it: `g2-standard-8 for one L4`.
    public static var example: String {
        guard let l4 = named("nvidia-l4"), let machine = l4.machineType(count: 1) else { return "" }
        return "\(machine) for one \(l4.name)"
    }

    /// Every type is offered in some zones only; said wherever a type is chosen.
    public static let zoneCaveat = "each GPU type is offered only in some zones (gcloud compute accelerator-types list --filter=zone:ZONE)"
}
