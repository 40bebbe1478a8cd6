"""What the bucket probe (Resources/bucket_probe.py) would see in the Ray pods.

Recognised by its marker; its probing is not run: what each pod's metadata server and Cloud Storage would answer is
decided from the emulator's state (the Workload Identity rules of podsim.identity, IAM's propagation, the bucket
policy's role permissions from iam_roles, the pod's Cloud Storage FUSE mount from fusesim). The program's own
verdict and summary functions (standard library only) are then called on those answers, so its lines are the
program's. Nothing is installed, so pods without egress pass as the others do.

Faults: a rule on GET /computeMetadata/v1/instance/service-accounts/default/email fails one metadata try per use
(the probe tries TRIES times, 2 s of program time apart); rules on POST /upload/storage/v1/b/B/o, GET or DELETE
/storage/v1/b/B/o/OBJECT fail that call.
"""
import json
import time

from core import LOCK
import authsim
import fusesim
import iam_propagation
import iam_roles
import nodesim
import podsim
import project_policy
import raysim

MARKER = "# kuberay-gcs-wizard bucket probe"
METADATA_EMAIL = "/computeMetadata/v1/instance/service-accounts/default/email"
METADATA_SLEEP = 2  # seconds the probe sleeps between metadata tries (bucket_probe.py)
NODE_TRIES = 30  # a Ray node's task's metadata tries (bucket_probe.py)
REFUSED = "<urlopen error [Errno 111] Connection refused>"


def program(code):
    """The probe's functions, without running its main block."""
    scope = {"__name__": "kuberay_gcs_wizard_bucket_probe"}
    exec(compile(code, "<string>", "exec"), scope)  # the wizard's own script: only its definitions run
    return scope


def run(w, pod, code, args):
    """Returns (stdout, stderr, exit_code, delay) as `python -c CODE MODE ...` would."""
    mode = args[0] if args else ""
    if mode == "nodes" and len(args) >= 4:
        return every_node(w, pod, program(code), args[1], args[2], args[3], args[4] if len(args) > 4 else None)
    if mode == "pod" and len(args) >= 4:
        with LOCK:
            report, waited = probe(w, pod, args[1], args[2], "kuberay-gcs-wizard doctor " + args[2], int(args[3]))
        return json.dumps(report) + "\n", "", 0, waited
    return "", podsim.TB + "IndexError: list index out of range\n", 1


def every_node(w, head, scope, bucket, prefix, text, mount):
    """One task per alive Ray node (the exec'd head pod and every Ready worker pod), run at once: the program's
    lines, head first, failures on stderr too, then its summary; exit 1 when any node failed."""
    with LOCK:
        rc = next((r for r in w.store["rayclusters"].values()
                   if r["metadata"]["namespace"] == head["metadata"]["namespace"]
                   and r["metadata"]["name"] == head["metadata"].get("labels", {}).get("ray.io/cluster")), None)
        # ray.init() in the exec'd pod is refused without the cluster's token; workers without it do not join.
        nodes, refused = authsim.ray_nodes(w, head, rc, [p for p in (raysim.ray_pods(w, rc, "worker") if rc else [])
                                                          if raysim.pod_ready(p)])
        if refused:
            return "", podsim.TB + refused + "\n", 1, 0.0
        results, delay = [], 0.0
        for node in nodes:
            name = node["metadata"]["name"]
            report, waited = probe(w, node, bucket, "%s/%s.txt" % (prefix, name), text, NODE_TRIES, mount)
            delay = max(delay, waited)
            results.append((node["metadata"].get("labels", {}).get("ray.io/group", "unknown"), name, scope["verdict"](report)))
    results.sort(key=lambda r: (r[0] != "headgroup", r[0], r[1]))
    lines = ["%s %s %s" % r for r in results]
    failed = [line for line, r in zip(lines, results) if r[2] != "ok"]
    summary = ", ".join("%s %s" % (scope["short_name"](g, p), "ok" if s == "ok" else "failed") for g, p, s in results)
    return "\n".join(lines + [summary]) + "\n", "".join(f + "\n" for f in failed), 1 if failed else 0, delay


def metadata_wait(w, pod, tries):
    """Whether the pod's metadata server answered within `tries`, and the wall seconds the tries took. A try is
    refused by a fault rule's use or by a metadata server that is not up yet (a new pod's first seconds)."""
    waited, ready_at = 0.0, nodesim.metadata_ready_at(w, pod)
    for attempt in range(max(1, tries)):
        if not w.emu.take_fault("GET", METADATA_EMAIL) and time.time() + waited >= ready_at:
            return True, waited
        if attempt + 1 < tries:
            waited += w.emu.profile.scaled(METADATA_SLEEP)
    return False, waited


def email_of(w, pod):
    """What the metadata server's email endpoint answers (None when the KSA is missing), and whether the pod is on
    the GKE metadata server."""
    emu, c = w.emu, w.cluster()
    proj = emu.projects[c["_project"]]
    pool = (c.get("workloadIdentityConfig") or {}).get("workloadPool")
    selector = (pod["spec"].get("nodeSelector") or {}).get(raysim.WI_SELECTOR) == "true"
    if not (c.get("autopilot") or (pool and selector and raysim.metadata_server_nodes(w))):
        return "%s-compute@developer.gserviceaccount.com" % proj["projectNumber"], False
    ksa = w.get("serviceaccounts", pod["metadata"]["namespace"], pod["spec"].get("serviceAccountName") or "default")
    if not ksa:
        return None, True
    gsa = (ksa["metadata"].get("annotations") or {}).get("iam.gke.io/gcp-service-account")
    return gsa or pool, True


def member_permissions(rec, member, ns):
    """The storage permissions the bucket's effective policy gives `member` (the direct principal also through its
    namespace's principalSet)."""
    ubla = rec["bucket"]["iamConfiguration"]["uniformBucketLevelAccess"]["enabled"]
    if member.startswith("principal:") and not ubla:
        return set()
    aliases = {member, "allUsers", "allAuthenticatedUsers"}
    if member.startswith("principal:"):
        aliases.add(member.split("/subject/")[0].replace("principal://", "principalSet://") + "/namespace/" + ns)
    granted = set()
    for b in iam_propagation.effective_policy(rec).get("bindings", []):
        if aliases & set(b.get("members", [])):
            granted |= iam_roles.permissions(b.get("role"))
    return granted


def storage_call(emu, rec, bucket, member, granted, method, path, name, permission, kind, write=None):
    """One Cloud Storage call by `member` holding the storage permissions `granted`: (status, error text or None);
    the bucket's objects change as the call would change them. A fault rule on the call's method and path fails it."""
    who = member.split(":", 1)[1] if member.startswith("serviceAccount:") else member
    rule = emu.take_fault(method, path)
    if rule:
        status, error = int(rule.get("status", 500)), rule.get("message") or "Injected fault"
    elif not rec:
        status, error = 404, "The specified bucket does not exist."
    elif method == "POST" and project_policy.storage_write_error(emu, rec["project"]):
        status, error = 403, project_policy.storage_write_error(emu, rec["project"]).message
    elif permission not in granted:
        status, error = 403, "%s does not have %s access to the Google Cloud Storage object. Permission " \
                             "'%s' denied on resource (or it may not exist)." % (who, permission, permission)
    elif method == "GET" and name not in rec["objects"]:
        status, error = 404, "No such object: %s/%s" % (bucket, name)
    else:
        status, error = (204 if method == "DELETE" else 200), None
        if method == "POST":
            rec["objects"][name] = write
        elif method == "DELETE":
            rec["objects"].pop(name, None)
    emu.record("pod", method, path, "name=" + name if method == "POST" else "", status, kind)
    return status, error


def probe(w, pod, bucket, obj, text, tries, mount=None):
    """The report bucket_probe.py's probe() makes in `pod`, and the wall seconds its metadata tries took; the
    bucket's objects change as the real calls would change them."""
    emu, ns = w.emu, pod["metadata"]["namespace"]
    report = {}
    answered, waited = metadata_wait(w, pod, tries)
    if not answered:
        report["metadata_error"] = REFUSED
        return report, waited
    email, wi = email_of(w, pod)
    if email is None:
        report["metadata_error"] = "HTTP 404"
        return report, waited
    report["identity"] = email
    member, err = podsim.identity(w, pod)
    ksa = w.get("serviceaccounts", ns, pod["spec"].get("serviceAccountName") or "default")
    if wi and ksa and pod["metadata"]["creationTimestamp"] < ksa["metadata"]["creationTimestamp"]:
        err = "Unable to generate token; the pod's service account token was issued for a service account " \
              "that no longer exists"
    if err:
        # The GKE metadata server's answer to the token request.
        report["token_error"] = "HTTP 403: " + " ".join(err.split())[:300]
        return report, waited
    rec = emu.buckets.get(bucket)
    granted = member_permissions(rec, member, ns) if rec else set()

    def call(method, path, name, permission, kind, write=None):
        return storage_call(emu, rec, bucket, member, granted, method, path, name, permission, kind, write)

    def outcome(status, error, **extra):
        return dict({"status": status}, **extra) if error is None else {"status": status, "error": error}

    upload = "/upload/storage/v1/b/%s/o" % bucket
    at = "/storage/v1/b/%s/o/" % bucket
    status, error = call("POST", upload, obj, "storage.objects.create", "object-write", text)
    report["write"] = outcome(status, error)
    if error is not None:
        return report, waited
    status, error = call("GET", at + obj, obj, "storage.objects.get", "object-read")
    report["read"] = outcome(status, error, matches=rec["objects"].get(obj) == text)
    status, error = call("DELETE", at + obj, obj, "storage.objects.delete", "object-delete")
    report["delete"] = outcome(status, error)
    if mount is None:
        return report, waited

    # The mount both ways. With the bucket mounted at the path the FUSE driver stores the file as an object (as the
    # pod's identity, which could write above); without it the file stays on the container's disk.
    stem = obj.rsplit("/", 1)
    prefix, stem = (stem[0], stem[1]) if len(stem) == 2 else ("", stem[0])
    stem = stem.rsplit(".", 1)[0]
    via_mount, via_api = "%s/%s-mount.txt" % (prefix, stem), "%s/%s-api.txt" % (prefix, stem)
    mounted = fusesim.mounted_bucket(pod, mount) == bucket
    if mounted:
        rec["objects"][via_mount] = text
        emu.record("pod", "PUT", at + via_mount, "", 200, "fuse-write")
    status, error = call("GET", at + via_mount, via_mount, "storage.objects.get", "object-read")
    report["mount_write"] = outcome(status, error, matches=rec["objects"].get(via_mount) == text)
    status, error = call("POST", upload, via_api, "storage.objects.create", "object-write", text)
    if error is not None:
        report["mount_read"] = {"status": status, "error": "write through the API: " + error}
    elif mounted:
        emu.record("pod", "GET", at + via_api, "", 200, "fuse-read")
        report["mount_read"] = {"matches": True}
    else:
        report["mount_read"] = {"error": "FileNotFoundError: [Errno 2] No such file or directory: '%s/%s'" % (mount, via_api)}
    return report, waited
