"""What doctor's in-pod probe (Resources/doctor_probe.py) would see in a Ray pod.

Recognised by its marker and not run: the metadata server's answer and the object write, read and delete are
decided from the emulator's state with the Workload Identity rules of podsim.identity and the bucket policy's
role permissions (iam_roles). Faults: a rule on GET /computeMetadata/v1/instance/service-accounts/default/email
fails one metadata attempt per use (the probe tries TRIES times); rules on /upload/storage/v1/b/B/o (POST) or
/storage/v1/b/B/o/OBJECT (GET, DELETE) fail that call.
"""
import json
import time

from core import LOCK
import iam_propagation
import iam_roles
import nodesim
import podsim
import project_policy
import raysim

MARKER = "kuberay-gcs-wizard doctor probe"
METADATA_EMAIL = "/computeMetadata/v1/instance/service-accounts/default/email"
RETRY_SLEEP = 2  # seconds the probe sleeps between metadata tries


def email_of(w, pod):
    """What the metadata server's email endpoint answers, or None when the KSA is missing."""
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


def run(w, pod, args):
    """Returns (stdout, stderr, exit_code) as the probe would."""
    if len(args) < 3:
        return "", podsim.TB + "IndexError: list index out of range\n", 1
    bucket, obj, tries = args[0], args[1], int(args[2])
    emu, ns = w.emu, pod["metadata"]["namespace"]
    report = {}
    with LOCK:
        # Each try is refused by a fault rule's use or by a metadata server that is not up yet (a new pod's first
        # seconds); the probe sleeps between tries, which takes model time.
        answered, waited, ready_at = False, 0.0, nodesim.metadata_ready_at(w, pod)
        for attempt in range(max(1, tries)):
            if not emu.take_fault("GET", METADATA_EMAIL) and time.time() + waited >= ready_at:
                answered = True
                break
            if attempt + 1 < tries:
                waited += emu.profile.scaled(RETRY_SLEEP)
        if not answered:
            report["metadata_error"] = "<urlopen error [Errno 111] Connection refused>"
            return json.dumps(report) + "\n", "", 0, waited
        email, wi = email_of(w, pod)
        if email is None:
            report["metadata_error"] = "HTTP 404"
            return json.dumps(report) + "\n", "", 0
        report["identity"] = email
        member, err = podsim.identity(w, pod)
        ksa = w.get("serviceaccounts", ns, pod["spec"].get("serviceAccountName") or "default")
        if wi and ksa and pod["metadata"]["creationTimestamp"] < ksa["metadata"]["creationTimestamp"]:
            err = "Unable to generate token; the pod's service account token was issued for a service account " \
                  "that no longer exists"
        if err:
            report["token_error"] = err.strip().splitlines()[-1][:300]
            return json.dumps(report) + "\n", "", 0
        rec = emu.buckets.get(bucket)
        granted = member_permissions(rec, member, ns) if rec else set()
        text = "kuberay-gcs-wizard doctor " + obj
        steps = [("write", "POST", "/upload/storage/v1/b/%s/o" % bucket, "storage.objects.create", "object-write"),
                 ("read", "GET", "/storage/v1/b/%s/o/%s" % (bucket, obj), "storage.objects.get", "object-read"),
                 ("delete", "DELETE", "/storage/v1/b/%s/o/%s" % (bucket, obj), "storage.objects.delete", "object-delete")]
        who = member.split(":", 1)[1] if member.startswith("serviceAccount:") else member
        for name, method, path, permission, kind in steps:
            rule = emu.take_fault(method, path)
            if rule:
                status, error = int(rule.get("status", 500)), rule.get("message") or "Injected fault"
            elif not rec:
                status, error = 404, "The specified bucket does not exist."
            elif name == "write" and project_policy.storage_write_error(emu, rec["project"]):
                status, error = 403, project_policy.storage_write_error(emu, rec["project"]).message
            elif permission not in granted:
                status, error = 403, "%s does not have %s access to the Google Cloud Storage object. Permission " \
                                     "'%s' denied on resource (or it may not exist)." % (who, permission, permission)
            else:
                status, error = (200 if name != "delete" else 204), None
                if name == "write":
                    rec["objects"][obj] = text
                elif name == "delete":
                    rec["objects"].pop(obj, None)
            emu.record("pod", method, path, "name=" + obj if name == "write" else "", status, kind)
            report[name] = {"status": status} if error is None else {"status": status, "error": error}
            if name == "read" and error is None:
                report[name]["matches"] = True
            if name == "write" and error is not None:
                break
    return json.dumps(report) + "\n", "", 0, waited
