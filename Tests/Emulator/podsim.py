"""What a command run with `kubectl exec` in the Ray head pod would do.

The bucket check script is recognised by its marker and *not* run: for each
alive Ray node (the head pod and every Ready worker pod of its RayCluster)
that node's Google identity is resolved with the Workload Identity rules and
the bucket's IAM policy decides, producing the per-node lines and summary the
real script prints (see README.md for the model).
"""
import json
import time

from core import LOCK
import authsim
import doctorsim
import fusesim
import iam_propagation
import nodesim
import project_policy
import raysim

MARKER = "kuberay-gcs-wizard bucket check"
LIB = "google-cloud-storage"
OBJECT_ROLES = {"roles/storage.objectUser", "roles/storage.objectAdmin", "roles/storage.admin"}
TB = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
MISSING = TB + "ModuleNotFoundError: No module named 'google.cloud'\n"
NO_ADC = ("DefaultCredentialsError: Your default credentials were not found. To set up Application Default Credentials, "
          "see https://cloud.google.com/docs/authentication/external/set-up-adc for more information.")
RUNTIME_ENV_FAILED = "RuntimeEnvSetupError: Failed to set up runtime environment."


def egress(w, pod):
    """Can the pod reach the internet? Not on private nodes (no Cloud NAT is modelled) nor with the egress seed off.
    The metadata server and Google APIs (Private Google Access) answer either way."""
    if not w.emu.egress:
        return False
    c = w.cluster()
    node = w.nodes.get(pod["spec"].get("nodeName") or "")
    pool = next((p for p in c.get("nodePools", []) if node and p["name"] == node["pool"]), None)
    if pool and (pool.get("networkConfig") or {}).get("enablePrivateNodes") is not None:
        return not pool["networkConfig"]["enablePrivateNodes"]
    return not ((c.get("networkConfig") or {}).get("defaultEnablePrivateNodes")
                or (c.get("privateClusterConfig") or {}).get("enablePrivateNodes"))


def pip_offline(names):
    """What pip prints when PyPI cannot be reached: five connect timeouts, then no distribution found."""
    first = names[0] if names else "pip"
    retries = "".join("WARNING: Retrying (Retry(total=%d, connect=None, read=None, redirect=None, status=None)) after "
                      "connection broken by 'ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection "
                      "object at 0x7f2b9c0e5d50>, 'Connection to pypi.org timed out. (connect timeout=15)')': "
                      "/simple/%s/\n" % (n, first) for n in range(4, -1, -1))
    return retries + ("ERROR: Could not find a version that satisfies the requirement %s (from versions: none)\n"
                      "ERROR: No matching distribution found for %s\n" % (first, first))


def metadata_ready(w, pod):
    """False in a pod's first seconds: its GKE metadata server does not answer yet."""
    return time.time() >= nodesim.metadata_ready_at(w, pod)


def run(w, pod, argv):
    """Returns (stdout, stderr, exit_code)."""
    key = "%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"])
    rt = w.pod_rt.setdefault(key, {"created": 0, "libs": set(), "schedulable": True})
    if argv[:1] in (["python"], ["python3"]) and argv[1:3] == ["-m", "pip"]:
        argv = ["pip"] + argv[3:]
    if argv[:2] in (["pip", "install"], ["pip3", "install"]):
        pkgs = [a for a in argv[2:] if not a.startswith("-")]
        names = [p.split("=")[0].split("<")[0].split(">")[0].lower() for p in pkgs]
        if not egress(w, pod):
            return "", pip_offline(names), 1, w.emu.profile.scaled(w.emu.profile.real("pip_offline"))
        rt["libs"].update(names)
        out = "".join("Collecting %s\n  Downloading %s-2.19.0-py2.py3-none-any.whl (131 kB)\n" % (n, n.replace("-", "_"))
                      for n in names)
        out += "Installing collected packages: %s\nSuccessfully installed %s\n" % (
            ", ".join(names), " ".join("%s-2.19.0" % n for n in names))
        return out, "", 0
    if argv[:2] in (["python", "-c"], ["python3", "-c"]) and len(argv) >= 3:
        code, args = argv[2], argv[3:]
        if MARKER in code:
            return bucket_check(w, pod, rt, code, args)
        if fusesim.MARKER in code:
            return fusesim.mount_check(w, pod, rt, args)
        if doctorsim.MARKER in code:
            return doctorsim.run(w, pod, args)
        if "google.cloud" in code and "import" in code and code.count("\n") == 0:
            if LIB not in rt["libs"]:
                return "", MISSING, 1
            return ("2.19.0\n" if "__version__" in code else ""), "", 0
        return "", "kuberay emulator: cannot simulate this python program\n", 2
    if argv[:2] == ["ray", "job"]:
        # The Jobs API of the dashboard: a call without the cluster's token is refused before anything runs.
        with LOCK:
            rc = next((r for r in w.store["rayclusters"].values()
                       if r["metadata"]["namespace"] == pod["metadata"]["namespace"]
                       and r["metadata"]["name"] == pod["metadata"].get("labels", {}).get("ray.io/cluster")), None)
            head = raysim.head_pod(w, rc) if rc else pod
            refused = authsim.caller_error(w, head or pod, pod)
        if refused:
            return "", "RuntimeError: Request failed with status code 401: %s\n" % authsim.DASHBOARD_401, 1
        return "", "kuberay emulator: cannot simulate command %s\n" % json.dumps(argv), 127
    if argv[:1] == ["true"]:
        return "", "", 0
    if argv[:1] == ["echo"]:
        return " ".join(argv[1:]) + "\n", "", 0
    return "", "kuberay emulator: cannot simulate command %s\n" % json.dumps(argv), 127


def identity(w, pod):
    """Returns (member, error_text). member is the IAM principal the pod's
    Google credentials act as; error_text is set when no token can be had."""
    emu, c = w.emu, w.cluster()
    proj = emu.projects[c["_project"]]
    ns, spec = pod["metadata"]["namespace"], pod["spec"]
    pool = (c.get("workloadIdentityConfig") or {}).get("workloadPool")
    on_wi_node = c.get("autopilot") or (pool and (spec.get("nodeSelector") or {}).get(
        "iam.gke.io/gke-metadata-server-enabled") == "true")
    if not on_wi_node:
        # No GKE metadata server: the pod gets the node's Compute Engine SA.
        return "serviceAccount:%s-compute@developer.gserviceaccount.com" % proj["projectNumber"], None
    ksa_name = spec.get("serviceAccountName") or "default"
    ksa = w.get("serviceaccounts", ns, ksa_name)
    if not ksa:
        return None, token_error("Unable to generate token; the Kubernetes service account %s/%s "
                                 "does not exist." % (ns, ksa_name))
    gsa = (ksa["metadata"].get("annotations") or {}).get("iam.gke.io/gcp-service-account")
    if not gsa:
        return ("principal://iam.googleapis.com/projects/%s/locations/global/workloadIdentityPools/"
                "%s/subject/ns/%s/sa/%s" % (proj["projectNumber"], pool, ns, ksa_name)), None
    if emu.enforce_services and "iamcredentials.googleapis.com" not in emu.services.get(proj["projectId"], ()):
        return None, token_error("Unable to generate access token; IAM returned 403 Forbidden: IAM Service "
                                 "Account Credentials API has not been used in project %s before or it is "
                                 "disabled." % proj["projectNumber"])
    rec = emu.service_accounts.get(gsa)
    wanted = "serviceAccount:%s[%s/%s]" % (pool, ns, ksa_name)
    # IAM enforces the binding and knows the service account only once the changes have propagated.
    ok = iam_propagation.usable(rec) and any(
        b.get("role") == "roles/iam.workloadIdentityUser" and wanted in b.get("members", [])
        for b in iam_propagation.effective_policy(rec).get("bindings", []))
    if not ok:
        return None, token_error(
            "Unable to generate access token; IAM returned 403 Forbidden: Permission "
            "'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).\\n"
            "This error could be caused by a missing IAM policy binding on the target IAM service "
            "account.\\nFor more information, refer to the Workload Identity documentation:\\n\\t"
            "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#authenticating_to\\n\\n")
    return "serviceAccount:" + gsa, None


def token_error(msg):
    """`type(error).__name__: str(error)` of the RefreshError a task gets when the metadata server refuses a token."""
    return ("RefreshError: ('Failed to retrieve http://metadata.google.internal/computeMetadata/v1/instance/"
            "service-accounts/default/token?scopes=https%%3A%%2F%%2Fwww.googleapis.com%%2Fauth%%2Fcloud-platform from the "
            "Google Compute Engine metadata service. Status: 403 Response:\\nb\"%s\"', "
            "<google.auth.transport.requests._Response object at 0x7f3a2c1d5e90>)" % msg)


def allowed(rec, member, pool, ns):
    ubla = rec["bucket"]["iamConfiguration"]["uniformBucketLevelAccess"]["enabled"]
    if member.startswith("principal:") and not ubla:
        return False
    ns_set = None
    if member.startswith("principal:"):
        ns_set = member.split("/subject/")[0].replace("principal://", "principalSet://") + "/namespace/" + ns
    for b in iam_propagation.effective_policy(rec).get("bindings", []):
        if b.get("role") in OBJECT_ROLES:
            for m in b.get("members", []):
                if m in (member, ns_set, "allUsers", "allAuthenticatedUsers"):
                    return True
    return False


def bucket_check(w, pod, rt, code, args):
    """The real script's output: "GROUP POD ok|failed: REASON" per node (failures on stderr too), a summary line
    such as "head ok, workers-1a2b ok", exit 1 when any node failed."""
    # With a runtime_env pip of the library every task gets it; without, only where it was pip-installed.
    everywhere = "runtime_env" in code and LIB in code
    if not everywhere and LIB not in rt["libs"]:
        return "", MISSING, 1
    if len(args) < 3:
        return "", TB + "IndexError: list index out of range\n", 1
    bucket, prefix, text = args[0], args[1], args[2]
    with LOCK:
        rc = next((r for r in w.store["rayclusters"].values()
                   if r["metadata"]["namespace"] == pod["metadata"]["namespace"]
                   and r["metadata"]["name"] == pod["metadata"].get("labels", {}).get("ray.io/cluster")), None)
        nodes, refused = authsim.ray_nodes(w, pod, rc, [p for p in (raysim.ray_pods(w, rc, "worker") if rc else [])
                                                         if raysim.pod_ready(p)])
        if refused:
            return "", TB + refused + "\n", 1
        results, delay = [], 0.0
        for node in nodes:
            group = node["metadata"].get("labels", {}).get("ray.io/group", "unknown")
            name = node["metadata"]["name"]
            node_rt = w.pod_rt.get("%s/%s" % (node["metadata"]["namespace"], name), {"libs": set()})
            if everywhere and LIB not in node_rt["libs"] and not egress(w, node):
                # The task's runtime_env pip cannot reach PyPI: ray.get raises and the script names the node by
                # its host (the pod) with group "unknown".
                results.append(("unknown", name, "failed: " + RUNTIME_ENV_FAILED))
                delay = w.emu.profile.scaled(w.emu.profile.real("pip_offline"))
                continue
            if not everywhere and LIB not in node_rt["libs"]:
                status = "failed: ModuleNotFoundError: No module named 'google.cloud'"
            else:
                status = write_and_read(w, node, bucket, "%s/%s.txt" % (prefix, name), text)
            results.append((group, name, status))
    results.sort(key=lambda r: (r[0] != "headgroup", r[0], r[1]))
    lines = ["%s %s %s" % r for r in results]
    summary = ", ".join("%s %s" % ("head" if g == "headgroup" else "%s-%s" % (g, n.rsplit("-", 1)[-1]),
                                   "ok" if st == "ok" else "failed") for g, n, st in results)
    failed = [line for line, r in zip(lines, results) if r[2] != "ok"]
    return "\n".join(lines + [summary]) + "\n", "".join(f + "\n" for f in failed), 1 if failed else 0, delay


def write_and_read(w, pod, bucket, obj, text):
    """One node's task: "ok", or "failed: " + the exception's type and first line, as google-cloud-storage raises it."""
    emu = w.emu
    path = "/upload/storage/v1/b/%s/o" % bucket
    up = "https://storage.googleapis.com" + path + "?uploadType=multipart"
    if not metadata_ready(w, pod):
        return "failed: " + NO_ADC
    member, err = identity(w, pod)
    if err:
        return "failed: " + err
    rule = emu.take_fault("POST", path)
    if rule:
        st = int(rule.get("status", 500))
        emu.record("pod", "POST", path, "uploadType=multipart", st, "object-write")
        return "failed: %s" % storage_reason(st, up, rule.get("message") or "Injected fault")
    rec = emu.buckets.get(bucket)
    if not rec:
        emu.record("pod", "POST", path, "uploadType=multipart", 404, "object-write")
        return "failed: %s" % storage_reason(404, up, "The specified bucket does not exist.")
    pool = (w.cluster().get("workloadIdentityConfig") or {}).get("workloadPool")
    billing = project_policy.storage_write_error(emu, rec["project"])
    if billing:
        emu.record("pod", "POST", path, "uploadType=multipart", 403, "object-write")
        return "failed: %s" % storage_reason(403, up, billing.message)
    if not allowed(rec, member, pool, pod["metadata"]["namespace"]):
        who = member.split(":", 1)[1] if member.startswith("serviceAccount:") else member
        emu.record("pod", "POST", path, "uploadType=multipart", 403, "object-write")
        return "failed: %s" % storage_reason(403, up, "%s does not have storage.objects.create access to the Google Cloud "
                                             "Storage object. Permission 'storage.objects.create' denied on resource "
                                             "(or it may not exist)." % who)
    rec["objects"][obj] = text
    emu.record("pod", "POST", path, "uploadType=multipart&name=" + obj, 200, "object-write")
    emu.record("pod", "GET", "/storage/v1/b/%s/o/%s" % (bucket, obj), "alt=media", 200, "object-read")
    return "ok" if rec["objects"][obj] == text else "failed: read back %r" % rec["objects"][obj]


def storage_reason(status, url, message):
    """`type(error).__name__: str(error)` of google.api_core's exception for a failed upload."""
    name = {403: "Forbidden", 404: "NotFound", 409: "Conflict", 429: "TooManyRequests",
            500: "InternalServerError", 503: "ServiceUnavailable"}.get(status, "GoogleAPICallError")
    return "%s: %d POST %s: %s" % (name, status, url, message)
