"""The Cloud Storage FUSE CSI driver: which pods GKE admits, and which bucket a
pod has mounted where.

A pod template that asks for the driver (the `gke-gcsfuse/volumes: "true"`
annotation or a CSI volume of `gcsfuse.csi.storage.gke.io`) is refused while
the cluster's GcsFuseCsiDriver add-on is off (Autopilot has it on). What the
bucket probe sees through a mount is in probesim.py: a container that mounts
the bucket's volume at the path reads and writes the bucket's objects; without
the mount there, a file written stays in the container. What a RayJob's driver on the head sees is
`driver_mounts` (drivermount.py makes it a folder at the path).
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


def mount_options(pod, path):
    """The `mountOptions` of the driver's volume mounted at `path` in `pod`, as a dict (`implicit-dirs` -> "")."""
    spec = pod["spec"]
    names = {m.get("name") for c in spec.get("containers", []) for m in c.get("volumeMounts") or []
             if m.get("mountPath") == path}
    for v in spec.get("volumes") or []:
        csi = v.get("csi") or {}
        if v.get("name") in names and csi.get("driver") == DRIVER:
            text = (csi.get("volumeAttributes") or {}).get("mountOptions") or ""
            return dict((o.split("=", 1) + [""])[:2] for o in (o.strip() for o in text.split(",")) if o)
    return {}


def driver_mounts(w, pod):
    """The bucket mounts a process in `pod` sees: {path: (bucket, options)}. The driver mounts a CSI volume only in a
    pod with the annotation that brings its sidecar, and only when the pod's identity may list the bucket's objects
    (gcsfuse lists the bucket when it mounts it; on GKE the pod then never starts, here the path is just absent)."""
    import podsim
    import probesim
    annotations = pod["metadata"].get("annotations") or {}
    if annotations.get(ANNOTATION) != "true":
        return {}
    member, refusal = podsim.identity(w, pod)
    if refusal:
        return {}
    found = {}
    for container in pod["spec"].get("containers", [])[:1]:
        for m in container.get("volumeMounts") or []:
            path = m.get("mountPath")
            bucket = mounted_bucket(pod, path)
            rec = w.emu.buckets.get(bucket) if bucket else None
            if rec and "storage.objects.list" in probesim.member_permissions(rec, member, pod["metadata"]["namespace"]):
                found[path] = (bucket, mount_options(pod, path))
    return found


def visible_objects(rec, options):
    """The bucket's objects as files under the mount: {relative path: data}. With `only-dir=D` the mount's root is
    D/; without `implicit-dirs` a folder exists only where a placeholder object `DIR/` does."""
    prefix = options.get("only-dir", "").strip("/")
    prefix = prefix + "/" if prefix else ""
    names = {n[len(prefix):]: d for n, d in rec["objects"].items() if n.startswith(prefix) and len(n) > len(prefix)}
    if "implicit-dirs" in options:
        return {n: d for n, d in names.items() if not n.endswith("/")}
    return {n: d for n, d in names.items() if not n.endswith("/")
            and all("/".join(n.split("/")[:i]) + "/" in names for i in range(1, n.count("/") + 1))}


def object_name(options, relative):
    """The object a file at `relative` under the mount is stored as."""
    prefix = options.get("only-dir", "").strip("/")
    return prefix + "/" + relative if prefix else relative
