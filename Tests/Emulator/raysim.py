"""What the KubeRay operator, the scheduler and the kubelet would do.

A RayCluster gets a head Service at once and a head Pod as soon as the pod
may be created (its KSA exists; Autopilot admits the spec). The pod turns
Running+Ready ~1 s after creation, unless it cannot be scheduled (metadata
server nodeSelector on nodes without the GKE metadata server) or the
"pod-never-ready" fault is set.
"""
import copy
import random
import string
import time

from core import ApiError
import fusesim

READY_AFTER = 1.0
WI_SELECTOR = "iam.gke.io/gke-metadata-server-enabled"


def validate(w, rc):
    head = rc.get("spec", {}).get("headGroupSpec", {}).get("template", {}).get("spec", {})
    if not head.get("containers"):
        raise ApiError(422, 'RayCluster.ray.io "%s" is invalid: spec.headGroupSpec.template.spec.containers: '
                            'Required value' % rc["metadata"]["name"], "Invalid")


def head_labels(name):
    return {"ray.io/cluster": name, "ray.io/node-type": "head", "ray.io/group": "headgroup",
            "ray.io/is-ray-node": "yes", "app.kubernetes.io/created-by": "kuberay-operator",
            "app.kubernetes.io/name": "kuberay"}


def on_create(w, rc):
    name, ns = rc["metadata"]["name"], rc["metadata"]["namespace"]
    sel = {"ray.io/cluster": name, "ray.io/node-type": "head"}
    w.add("services", ns, {"metadata": {"name": name + "-head-svc", "labels": dict(sel),
                                        "ownerReferences": [owner(rc)]},
                           "spec": {"selector": sel, "type": "ClusterIP", "clusterIP": "None",
                                    "ports": [{"name": "gcs", "port": 6379}, {"name": "dashboard", "port": 8265},
                                              {"name": "client", "port": 10001}]}})
    rc["status"] = {"state": "", "desiredWorkerReplicas": 0}
    try_head(w, rc)


def owner(rc):
    return {"apiVersion": "ray.io/v1", "kind": "RayCluster", "name": rc["metadata"]["name"],
            "uid": rc["metadata"]["uid"], "controller": True}


def on_delete(w, rc):
    name, ns = rc["metadata"]["name"], rc["metadata"]["namespace"]
    for res in ("pods", "services"):
        for key, o in list(w.store[res].items()):
            if o["metadata"].get("namespace") == ns and o["metadata"].get("labels", {}).get("ray.io/cluster") == name:
                del w.store[res][key]
                w.pod_rt.pop(key, None)


def head_pod(w, rc):
    for o in w.store["pods"].values():
        lb = o["metadata"].get("labels", {})
        if o["metadata"]["namespace"] == rc["metadata"]["namespace"] and \
                lb.get("ray.io/cluster") == rc["metadata"]["name"] and lb.get("ray.io/node-type") == "head":
            return o
    return None


def metadata_server_nodes(w):
    """Do the cluster's nodes run the GKE metadata server (node label set)?"""
    c = w.cluster()
    if c.get("autopilot"):
        return True
    if not c.get("workloadIdentityConfig"):
        return False
    if w.emu.strict_node_pools:
        return any(p.get("config", {}).get("workloadMetadataConfig", {}).get("mode") == "GKE_METADATA"
                   for p in c.get("nodePools", []))
    return True


def event(w, rc, reason, message):
    name = "%s.%x" % (rc["metadata"]["name"], int(time.time() * 1e6))
    w.add("events", rc["metadata"]["namespace"], {
        "metadata": {"name": name}, "type": "Warning", "reason": reason, "message": message,
        "involvedObject": {"kind": "RayCluster", "name": rc["metadata"]["name"],
                           "namespace": rc["metadata"]["namespace"], "apiVersion": "ray.io/v1"}})


def try_head(w, rc):
    ns, name = rc["metadata"]["namespace"], rc["metadata"]["name"]
    tmpl = rc["spec"]["headGroupSpec"].get("template", {})
    spec = copy.deepcopy(tmpl.get("spec", {}))
    sa = spec.get("serviceAccountName") or "default"
    spec["serviceAccountName"] = sa
    pod_name = "%s-head-%s" % (name, "".join(random.choice(string.ascii_lowercase + string.digits)
                                             for _ in range(5)))
    why = None
    if not w.get("serviceaccounts", ns, sa):
        why = ('pods "%s" is forbidden: error looking up service account %s/%s: serviceaccount "%s" '
               'not found' % (pod_name, ns, sa, sa))
    elif fusesim.refusal(w, tmpl, pod_name):
        why = fusesim.refusal(w, tmpl, pod_name)
    elif w.cluster().get("autopilot") and WI_SELECTOR in (spec.get("nodeSelector") or {}):
        why = ('admission webhook "warden-validating.common-webhooks.networking.gke.io" denied the request: '
               'GKE Warden rejected the request because it violates one or more constraints.\nViolations '
               'details: {"[denied by autogke-node-affinity-selector-limitation]":["Key \'%s\' is not allowed '
               'with node selector; Autopilot only allows labels with keys: cloud.google.com/compute-class,'
               'cloud.google.com/gke-spot,kubernetes.io/arch,topology.kubernetes.io/zone."]}' % WI_SELECTOR)
    if why:
        if rc["status"].get("reason") != why:
            rc["status"]["reason"] = why
            event(w, rc, "FailedCreateHeadPod", why)
        return
    rc["status"].pop("reason", None)
    labels = dict(tmpl.get("metadata", {}).get("labels") or {})
    labels.update(head_labels(name))
    pod = w.add("pods", ns, {"metadata": {"name": pod_name, "labels": labels,
                                          "annotations": dict(tmpl.get("metadata", {}).get("annotations") or {}),
                                          "ownerReferences": [owner(rc)]},
                             "spec": spec})
    schedulable = not (spec.get("nodeSelector") or {}).get(WI_SELECTOR) == "true" or metadata_server_nodes(w)
    w.pod_rt["%s/%s" % (ns, pod_name)] = {"created": time.time(), "libs": set(), "schedulable": schedulable}
    set_status(pod, "Pending", schedulable, False)


def set_status(pod, phase, scheduled, ready):
    t = "True"
    conds = [{"type": "PodScheduled", "status": t if scheduled else "False"}]
    if not scheduled:
        conds[0].update(reason="Unschedulable", message="0/1 nodes are available: 1 node(s) didn't match "
                                                        "Pod's node affinity/selector.")
    else:
        conds += [{"type": c, "status": t if ready else "False"}
                  for c in ("Initialized", "ContainersReady", "Ready")]
        conds[1]["status"] = t
    names = [c.get("name", "c%d" % i) for i, c in enumerate(pod["spec"].get("containers", []))]
    pod["status"] = {"phase": phase, "conditions": conds, "qosClass": "Burstable"}
    if scheduled:
        pod["status"]["hostIP"] = "10.138.0.2"
        pod["spec"]["nodeName"] = "gke-node-1"
        pod["status"]["containerStatuses"] = [
            {"name": n, "ready": ready, "restartCount": 0, "started": ready,
             "image": pod["spec"]["containers"][i].get("image", ""),
             "state": {"running": {"startedAt": pod["metadata"]["creationTimestamp"]}} if ready else
             {"waiting": {"reason": "ContainerCreating"}}} for i, n in enumerate(names)]
    if ready:
        pod["status"]["podIP"] = "10.8.0.5"


def pod_ready(pod):
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))


def reconcile(w):
    for rc in w.store["rayclusters"].values():
        if not head_pod(w, rc):
            try_head(w, rc)
    never = "pod-never-ready" in w.emu.specials
    for key, pod in w.store["pods"].items():
        rt = w.pod_rt.get(key)
        if not rt or pod_ready(pod) or never or not rt["schedulable"]:
            continue
        if time.time() - rt["created"] >= READY_AFTER:
            set_status(pod, "Running", True, True)
            w.touch(pod)
            for rc in w.store["rayclusters"].values():
                if rc["metadata"]["name"] == pod["metadata"]["labels"].get("ray.io/cluster"):
                    rc["status"]["state"] = "ready"
