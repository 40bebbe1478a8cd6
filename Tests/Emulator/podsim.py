"""What a command run with `kubectl exec` in a Ray pod would do.

`pip install` (which needs PyPI: it fails on pods without egress), the bucket
probe (probesim.py, recognised by its marker), `true` and `echo`; and the pod's
Google identity by the Workload Identity rules (see README.md for the model).
"""
import json

from core import LOCK
import authsim
import iam_propagation
import probesim
import raysim

TB = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'


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


def run(w, pod, argv):
    """Returns (stdout, stderr, exit_code)."""
    if argv[:1] in (["python"], ["python3"]) and argv[1:3] == ["-m", "pip"]:
        argv = ["pip"] + argv[3:]
    if argv[:2] in (["pip", "install"], ["pip3", "install"]):
        pkgs = [a for a in argv[2:] if not a.startswith("-")]
        names = [p.split("=")[0].split("<")[0].split(">")[0].lower() for p in pkgs]
        if not egress(w, pod):
            return "", pip_offline(names), 1, w.emu.profile.scaled(w.emu.profile.real("pip_offline"))
        out = "".join("Collecting %s\n  Downloading %s-2.19.0-py2.py3-none-any.whl (131 kB)\n" % (n, n.replace("-", "_"))
                      for n in names)
        out += "Installing collected packages: %s\nSuccessfully installed %s\n" % (
            ", ".join(names), " ".join("%s-2.19.0" % n for n in names))
        return out, "", 0
    if argv[:2] in (["python", "-c"], ["python3", "-c"]) and len(argv) >= 3:
        code, args = argv[2], argv[3:]
        if probesim.MARKER in code:
            return probesim.run(w, pod, code, args)
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
    """Returns (member, refusal). member is the IAM principal the pod's Google
    credentials act as; refusal is the GKE metadata server's 403 text when it
    hands out no token."""
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
        return None, ("Unable to generate token; the Kubernetes service account %s/%s "
                                 "does not exist." % (ns, ksa_name))
    gsa = (ksa["metadata"].get("annotations") or {}).get("iam.gke.io/gcp-service-account")
    if not gsa:
        return ("principal://iam.googleapis.com/projects/%s/locations/global/workloadIdentityPools/"
                "%s/subject/ns/%s/sa/%s" % (proj["projectNumber"], pool, ns, ksa_name)), None
    if emu.enforce_services and "iamcredentials.googleapis.com" not in emu.services.get(proj["projectId"], ()):
        return None, ("Unable to generate access token; IAM returned 403 Forbidden: IAM Service "
                                 "Account Credentials API has not been used in project %s before or it is "
                                 "disabled." % proj["projectNumber"])
    rec = emu.service_accounts.get(gsa)
    wanted = "serviceAccount:%s[%s/%s]" % (pool, ns, ksa_name)
    # IAM enforces the binding and knows the service account only once the changes have propagated.
    ok = iam_propagation.usable(rec) and any(
        b.get("role") == "roles/iam.workloadIdentityUser" and wanted in b.get("members", [])
        for b in iam_propagation.effective_policy(rec).get("bindings", []))
    if not ok:
        return None, (
            "Unable to generate access token; IAM returned 403 Forbidden: Permission "
            "'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).\n"
            "This error could be caused by a missing IAM policy binding on the target IAM service "
            "account.\nFor more information, refer to the Workload Identity documentation:\n\t"
            "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#authenticating_to\n\n")
    return "serviceAccount:" + gsa, None
