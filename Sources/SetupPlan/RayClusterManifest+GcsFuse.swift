extension RayClusterManifest {
    /// A CSI ephemeral volume: the Cloud Storage FUSE driver mounts the bucket for the pod's lifetime.
    public struct Volume: Encodable, Equatable, Sendable {
        public var name: String
        public var csi: CSIVolumeSource
    }

    public struct CSIVolumeSource: Encodable, Equatable, Sendable {
        public var driver: String
        public var volumeAttributes: OrderedMap
    }

    public struct VolumeMount: Encodable, Equatable, Sendable {
        public var name: String
        public var mountPath: String
    }

    /// The Cloud Storage FUSE CSI driver, as GKE's `GcsFuseCsiDriver` add-on registers it.
    public static let gcsFuseDriver = "gcsfuse.csi.storage.gke.io"
    /// The pod annotation that makes GKE inject the FUSE sidecar.
    public static let gcsFuseAnnotation = "gke-gcsfuse/volumes"
    /// The volume's name in every Ray pod.
    public static let gcsFuseVolumeName = "cluster-storage"
    /// Directories appear without placeholder objects (objects written by the API or `gcloud storage` show up as
    /// folders); files owned by the Ray image's user (uid 1000, group users) so Ray can write, as the Ray docs mount it.
    public static let gcsFuseMountOptions = "implicit-dirs,uid=1000,gid=100"

    /// The sidecar's limits: GKE's defaults (250m CPU, 256Mi memory) are tight for checkpoint uploads, and on
    /// Autopilot they are also what every Ray pod requests on top, so they stay modest. A file is staged on the
    /// node's ephemeral storage before upload, so the storage limit caps one checkpoint file; 5Gi keeps a pod
    /// within Autopilot's 10Gi of ephemeral storage. Edit raycluster.yaml for bigger files.
    public static let gcsFuseSidecarLimits: OrderedMap = [
        "gke-gcsfuse/cpu-limit": "500m",
        "gke-gcsfuse/memory-limit": "1Gi",
        "gke-gcsfuse/ephemeral-storage-limit": "5Gi",
    ]

    /// `template` with the bucket mounted at `bucket.mountPath` in every container, when `bucket.mount` is on:
    /// the annotation that brings the FUSE sidecar, its limits, and the CSI ephemeral volume.
    static func mountingBucket(_ template: PodTemplate, _ answers: Answers) -> PodTemplate {
        guard answers.bucket.mount else { return template }
        var result = template
        var annotations = result.metadata?.annotations ?? [:]
        annotations.pairs.append((gcsFuseAnnotation, "true"))
        annotations.pairs += gcsFuseSidecarLimits.pairs
        result.metadata = PodMetadata(annotations: annotations)
        let volume = Volume(name: gcsFuseVolumeName, csi: CSIVolumeSource(driver: gcsFuseDriver, volumeAttributes: [
            "bucketName": answers.bucket.name,
            "mountOptions": gcsFuseMountOptions,
        ]))
        result.spec.volumes = (result.spec.volumes ?? []) + [volume]
        for index in result.spec.containers.indices {
            let mount = VolumeMount(name: gcsFuseVolumeName, mountPath: answers.bucket.mountPath)
            result.spec.containers[index].volumeMounts = (result.spec.containers[index].volumeMounts ?? []) + [mount]
        }
        return result
    }
}
