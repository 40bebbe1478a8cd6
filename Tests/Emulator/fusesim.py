"""The Cloud Storage FUSE CSI driver: which pods GKE admits, and what the
mount check script would see through a pod's mount.

A pod template that asks for the driver (the `gke-gcsfuse/volumes: "true"`
annotation or a CSI volume of `gcsfuse.csi.storage.gke.io`) is refused while
the cluster's GcsFuseCsiDriver add-on is off (Autopilot has it on). The mount
check script is recognised by its marker and not run: a container that mounts
the bucket's volume at the given path reads and writes the bucket's objects
as the pod's Google identity (the Workload Identity rules of podsim), both
ways; without the mount there, a file written stays in the container and the
API read finds no object.
"""
from core import LOCK
import authsim
import podsim
import raysim

MARKER = "# kuberay-gcs-wizard mount check"
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


def mount_check(w, pod, rt, args):
    """The real script's lines, one per alive Ray node (the exec'd head pod and every Ready worker pod):
    "NODE mount->api ok, api->mount ok" or "failed: REASON" per direction; exit 1 on any failure."""
    if podsim.LIB not in rt["libs"]:
        return "", podsim.MISSING, 1
    if len(args) < 4:
        return "", podsim.TB + "ValueError: not enough values to unpack\n", 1
    bucket, path, prefix, text = args[:4]
    with LOCK:
        rc = next((r for r in w.store["rayclusters"].values()
                   if r["metadata"]["namespace"] == pod["metadata"]["namespace"]
                   and r["metadata"]["name"] == pod["metadata"].get("labels", {}).get("ray.io/cluster")), None)
        nodes, refused = authsim.ray_nodes(w, pod, rc, [p for p in (raysim.ray_pods(w, rc, "worker") if rc else [])
                                                         if raysim.pod_ready(p)])
        if refused:
            return "", podsim.TB + refused + "\n", 1
        lines = [node_line(w, node, bucket, path, prefix, text) for node in nodes]
    failed = [line for line, ok in lines if not ok]
    return "".join(line + "\n" for line, _ in lines), "".join(line + "\n" for line in failed), 1 if failed else 0


def node_line(w, node, bucket, path, prefix, text):
    """One node's line and whether both directions worked; the bucket's objects change as the real ones would."""
    emu = w.emu
    name = node["metadata"]["name"]
    rec = emu.buckets.get(bucket)
    member, err = podsim.identity(w, node)
    pool = (w.cluster().get("workloadIdentityConfig") or {}).get("workloadPool")
    ok = rec is not None and not err and podsim.allowed(rec, member, pool, node["metadata"]["namespace"])
    via_mount, via_api = "%s/%s-mount.txt" % (prefix, name), "%s/%s-api.txt" % (prefix, name)
    if not ok:
        reason = "Forbidden: 403 the pod's identity cannot use gs://%s" % bucket
        results = [("mount->api", reason), ("api->mount", reason)]
    elif mounted_bucket(node, path) != bucket:
        # The file lands on the container's own disk; the API has no such object, and reading the API's
        # object at the path finds nothing.
        results = [("mount->api", "NotFound: 404 GET https://storage.googleapis.com/download/storage/v1/b/%s/o/%s"
                                  "?alt=media: No such object: %s/%s" % (bucket, via_mount.replace("/", "%2F"), bucket, via_mount)),
                   ("api->mount", "FileNotFoundError: [Errno 2] No such file or directory: '%s/%s'" % (path, via_api))]
        rec["objects"][via_api] = text
    else:
        rec["objects"][via_mount] = text
        rec["objects"][via_api] = text
        emu.record("pod", "PUT", "/storage/v1/b/%s/o/%s" % (bucket, via_mount), "", 200, "fuse-write")
        emu.record("pod", "GET", "/storage/v1/b/%s/o/%s" % (bucket, via_mount), "alt=media", 200, "object-read")
        emu.record("pod", "POST", "/upload/storage/v1/b/%s/o" % bucket, "name=" + via_api, 200, "object-write")
        emu.record("pod", "GET", "/storage/v1/b/%s/o/%s" % (bucket, via_api), "", 200, "fuse-read")
        results = [("mount->api", text), ("api->mount", text)]
    line = "%s %s" % (name, ", ".join("%s %s" % (way, "ok" if got == text else "failed: %s" % got) for way, got in results))
    return line, all(got == text for _, got in results)
