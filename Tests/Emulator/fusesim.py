"""The Cloud Storage FUSE CSI driver: which pods GKE admits, and which bucket a
pod has mounted where.

A pod template that asks for the driver (the `gke-gcsfuse/volumes: "true"`
annotation or a CSI volume of `gcsfuse.csi.storage.gke.io`) is refused while
the cluster's GcsFuseCsiDriver add-on is off (Autopilot has it on). What the
bucket probe sees through a mount is in probesim.py: a container that mounts
the bucket's volume at the path reads and writes the bucket's objects; without
the mount there, a file written stays in the container.
"""
DRIVER = "gcsfuse.csi.storage.gke.io"
ANNOTATION = "gke-gcsfuse/volumes"


def wants_fuse(tmpl):
    annotations = (tmpl.get("metadata") or {}).get("annotations") or {}
    volumes = (tmpl.get("spec") or {}).get("volumes") or []
    return annotations.get(ANNOTATION) == "true" or any((v.get("csi") or {}).get("driver") == DRIVER for v in volumes)


def refusal(w, tmpl, pod_name):
    """Why GKE would refuse a Ray pod from `tmpl`, or None."""
    if not wants_fuse(tmpl):
        return None
    if (w.cluster().get("addonsConfig") or {}).get("gcsFuseCsiDriverConfig", {}).get("enabled"):
        return None
    return ('pods "%s" is forbidden: the pod uses the CSI driver %s, which is not installed on this cluster; '
            'enable the GcsFuseCsiDriver add-on (gcloud container clusters update --update-addons '
            'GcsFuseCsiDriver=ENABLED)' % (pod_name, DRIVER))


def mounted_bucket(pod, path):
    """The bucket a container of `pod` has mounted at `path` through the driver, or None."""
    spec = pod["spec"]
    buckets = {v["name"]: (v.get("csi") or {}).get("volumeAttributes", {}).get("bucketName")
               for v in spec.get("volumes") or [] if (v.get("csi") or {}).get("driver") == DRIVER}
    for container in spec.get("containers", []):
        for m in container.get("volumeMounts") or []:
            if m.get("mountPath") == path and buckets.get(m.get("name")):
                return buckets[m["name"]]
    return None
