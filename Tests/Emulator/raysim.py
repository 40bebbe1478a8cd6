"""What the KubeRay operator, the scheduler and the kubelet would do.

A RayCluster gets a head Service at once, a head Pod and each worker group's
`replicas` Pods (CLUSTER-GROUP-worker-xxxxx) as soon as a pod may be created
(its KSA exists; on Autopilot GKE Warden admits its nodeSelector). A pod turns
Running+Ready ~1 s after it can be scheduled, unless the "pod-never-ready"
fault is set. It cannot be scheduled while no node matches: the metadata
server nodeSelector on nodes without the GKE metadata server; on Standard a
GPU (cloud.google.com/gke-accelerator) without a node pool of that
accelerator, or without the toleration of the GPU nodes' nvidia.com/gpu
taint. Unscheduled pods are tried again at every reconcile, so a node pool
created later lets them start.
"""
import copy
import random
import string
import time

from core import ApiError
import authsim
import fusesim
import nodesim

TERMINATE_AFTER = 1.0
WI_SELECTOR = "iam.gke.io/gke-metadata-server-enabled"
GPU_SELECTOR = "cloud.google.com/gke-accelerator"
GPU_RESOURCE = "nvidia.com/gpu"
# Node labels Autopilot lets pods select (others are refused by GKE Warden).
AUTOPILOT_SELECTORS = ["cloud.google.com/compute-class", "cloud.google.com/gke-accelerator",
                       "cloud.google.com/gke-accelerator-count", "cloud.google.com/gke-spot",
                       "kubernetes.io/arch", "topology.kubernetes.io/zone"]


def validate(w, rc):
    head = rc.get("spec", {}).get("headGroupSpec", {}).get("template", {}).get("spec", {})
    if not head.get("containers"):
        raise ApiError(422, 'RayCluster.ray.io "%s" is invalid: spec.headGroupSpec.template.spec.containers: '
                            'Required value' % rc["metadata"]["name"], "Invalid")


def head_labels(name):
    return {"ray.io/cluster": name, "ray.io/node-type": "head", "ray.io/group": "headgroup",
            "ray.io/is-ray-node": "yes", "app.kubernetes.io/created-by": "kuberay-operator",
            "app.kubernetes.io/name": "kuberay"}


def worker_labels(name, group):
    return {"ray.io/cluster": name, "ray.io/node-type": "worker", "ray.io/group": group,
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
    rc["status"] = {"state": "", "desiredWorkerReplicas": sum(g.get("replicas", 0) for g in rc["spec"].get("workerGroupSpecs") or [])}
    authsim.on_create(w, rc)
    try_head(w, rc)
    try_workers(w, rc)


def owner(rc):
    return {"apiVersion": "ray.io/v1", "kind": "RayCluster", "name": rc["metadata"]["name"],
            "uid": rc["metadata"]["uid"], "controller": True}


def on_delete(w, rc):
    """The operator's cleanup: the Service goes at once, the pods terminate and are gone TERMINATE_AFTER later; the
    garbage collector removes the Secrets the RayCluster owns."""
    name, ns = rc["metadata"]["name"], rc["metadata"]["namespace"]
    for key, o in list(w.store["secrets"].items()):
        if any(r.get("uid") == rc["metadata"]["uid"] for r in o["metadata"].get("ownerReferences") or []):
            del w.store["secrets"][key]
    for res in ("pods", "services"):
        for key, o in list(w.store[res].items()):
            if o["metadata"].get("namespace") == ns and o["metadata"].get("labels", {}).get("ray.io/cluster") == name:
                if res == "pods":
                    o["metadata"]["deletionTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    w.touch(o)
                    w.terminating[key] = time.time() + TERMINATE_AFTER
                else:
                    del w.store[res][key]


def ray_pods(w, rc, node_type=None, group=None):
    """The cluster's Ray pods, optionally of one node type and group."""
    found = []
    for o in w.store["pods"].values():
        lb = o["metadata"].get("labels", {})
        if o["metadata"]["namespace"] == rc["metadata"]["namespace"] and \
                lb.get("ray.io/cluster") == rc["metadata"]["name"] and \
                node_type in (None, lb.get("ray.io/node-type")) and group in (None, lb.get("ray.io/group")):
            found.append(o)
    return found


def head_pod(w, rc):
    pods = ray_pods(w, rc, "head")
    return pods[0] if pods else None


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


def suffix():
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))


def admission_error(w, ns, pod_name, spec):
    """Why the API server refuses the pod (missing KSA, GKE Warden), or None."""
    sa = spec["serviceAccountName"]
    if not w.get("serviceaccounts", ns, sa):
        return ('pods "%s" is forbidden: error looking up service account %s/%s: serviceaccount "%s" '
                'not found' % (pod_name, ns, sa, sa))
    if w.cluster().get("autopilot"):
        refused = [k for k in (spec.get("nodeSelector") or {}) if k not in AUTOPILOT_SELECTORS]
        if refused:
            return ('admission webhook "warden-validating.common-webhooks.networking.gke.io" denied the request: '
                    'GKE Warden rejected the request because it violates one or more constraints.\nViolations '
                    'details: {"[denied by autogke-node-affinity-selector-limitation]":["Key \'%s\' is not allowed '
                    'with node selector; Autopilot only allows labels with keys: %s."]}'
                    % (refused[0], ",".join(AUTOPILOT_SELECTORS)))
    return None


def gpu_pools(w, accelerator):
    """The node pools of that GPU type that can take pods (not still being created or deleted)."""
    return [p for p in w.cluster().get("nodePools", [])
            if p.get("status", "RUNNING") in ("RUNNING", "RUNNING_WITH_ERROR", "RECONCILING")
            and any(a.get("acceleratorType") == accelerator for a in p.get("config", {}).get("accelerators", []))]


def unschedulable(w, pod):
    """Why no node fits the pod (the scheduler's message), or None once it has a ready node."""
    spec = pod["spec"]
    selector = spec.get("nodeSelector") or {}
    no_match = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
    if selector.get(WI_SELECTOR) == "true" and not metadata_server_nodes(w):
        return no_match
    accelerator = selector.get(GPU_SELECTOR)
    if w.cluster().get("autopilot"):
        return nodesim.place_autopilot(w, pod, accelerator)
    if accelerator:
        pools = gpu_pools(w, accelerator)
        if selector.get(WI_SELECTOR) == "true":
            pools = [p for p in pools if p.get("config", {}).get("workloadMetadataConfig", {}).get("mode") == "GKE_METADATA"]
        if not pools:
            return no_match + " pod didn't trigger scale-up: no node group with %s" % accelerator
        if not any(t.get("key") == GPU_RESOURCE and t.get("operator") in ("Exists", "Equal")
                   for t in spec.get("tolerations") or []):
            return ("0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had "
                    "untolerated taint {nvidia.com/gpu: present}.")
        return nodesim.place(w, pod, pools)
    return None


def create_pod(w, rc, tmpl, labels, pod_name, failure_reason):
    """Creates one Ray pod from a group's template, or records why it cannot be created. Returns the pod or None."""
    ns = rc["metadata"]["namespace"]
    spec = copy.deepcopy(tmpl.get("spec", {}))
    spec["serviceAccountName"] = spec.get("serviceAccountName") or "default"
    if labels.get("ray.io/node-type") == "head" and rc["spec"].get("enableInTreeAutoscaling"):
        spec["containers"] = list(spec.get("containers", [])) + [authsim.autoscaler_container(rc)]
    authsim.inject(rc, spec.get("containers", []))
    why = admission_error(w, ns, pod_name, spec) or fusesim.refusal(w, tmpl, pod_name)
    if why:
        reasons = w.create_failures.setdefault(rc["metadata"]["uid"], {})
        if reasons.get(failure_reason) != why:
            reasons[failure_reason] = why
            rc["status"]["reason"] = why
            event(w, rc, failure_reason, why)
        return None
    reasons = w.create_failures.setdefault(rc["metadata"]["uid"], {})
    reasons.pop(failure_reason, None)
    if not reasons:
        rc["status"].pop("reason", None)
    all_labels = dict(tmpl.get("metadata", {}).get("labels") or {})
    all_labels.update(labels)
    pod = w.add("pods", ns, {"metadata": {"name": pod_name, "labels": all_labels,
                                          "annotations": dict(tmpl.get("metadata", {}).get("annotations") or {}),
                                          "ownerReferences": [owner(rc)]},
                             "spec": spec})
    w.pod_rt["%s/%s" % (ns, pod_name)] = {"created": time.time(), "schedulable": False}
    schedule(w, pod)
    return pod


def schedule(w, pod):
    """Binds the pod to a node if one fits now; otherwise Pending/Unschedulable. True when it was bound now."""
    rt = w.pod_rt["%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"])]
    why = unschedulable(w, pod)
    bound = why is None and not rt["schedulable"]
    if bound:
        rt["schedulable"], rt["created"] = True, time.time()
        nodesim.bind(w, pod, rt)
    if bound or "status" not in pod:
        set_status(pod, "Pending", why is None, False, why)
    return bound


def try_head(w, rc):
    name = rc["metadata"]["name"]
    create_pod(w, rc, rc["spec"]["headGroupSpec"].get("template", {}), head_labels(name),
               "%s-head-%s" % (name, suffix()), "FailedCreateHeadPod")


def try_workers(w, rc):
    name = rc["metadata"]["name"]
    for group in rc["spec"].get("workerGroupSpecs") or []:
        gname = group.get("groupName", "")
        want = max(group.get("minReplicas", 0), min(group.get("replicas", 0), group.get("maxReplicas", 2147483647)))
        for _ in range(want - len(ray_pods(w, rc, "worker", gname))):
            if not create_pod(w, rc, group.get("template", {}), worker_labels(name, gname),
                              "%s-%s-worker-%s" % (name, gname, suffix()), "FailedCreateWorkerPod"):
                break


def set_status(pod, phase, scheduled, ready, why=None):
    t = "True"
    conds = [{"type": "PodScheduled", "status": t if scheduled else "False"}]
    if not scheduled:
        conds[0].update(reason="Unschedulable", message=why)
    else:
        conds += [{"type": c, "status": t if ready else "False"}
                  for c in ("Initialized", "ContainersReady", "Ready")]
        conds[1]["status"] = t
    names = [c.get("name", "c%d" % i) for i, c in enumerate(pod["spec"].get("containers", []))]
    pod["status"] = {"phase": phase, "conditions": conds, "qosClass": "Burstable"}
    if scheduled:
        accelerator = (pod["spec"].get("nodeSelector") or {}).get(GPU_SELECTOR)
        pod["status"]["hostIP"] = "10.138.0.3" if accelerator else "10.138.0.2"
        pod["spec"].setdefault("nodeName", "gke-%s-node-1" % accelerator if accelerator else nodesim.DEFAULT_NODE)
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
    for key, at in list(w.terminating.items()):
        if time.time() >= at:
            w.store["pods"].pop(key, None)
            w.pod_rt.pop(key, None)
            del w.terminating[key]
    for rc in w.store["rayclusters"].values():
        if not head_pod(w, rc):
            try_head(w, rc)
        try_workers(w, rc)
    never = "pod-never-ready" in w.emu.specials
    for key, pod in w.store["pods"].items():
        rt = w.pod_rt.get(key)
        if not rt or pod_ready(pod) or never:
            continue
        if not rt["schedulable"]:
            if schedule(w, pod):
                w.touch(pod)
            continue
        missing = authsim.missing_secret(w, pod)
        if missing:
            # The kubelet cannot make the container's environment: it waits, and starts it once the Secret exists.
            waiting = {"reason": "CreateContainerConfigError", "message": 'secret "%s" not found' % missing}
            for status in pod.get("status", {}).get("containerStatuses", []):
                if status.get("state") != {"waiting": waiting}:
                    status["state"] = {"waiting": waiting}
                    w.touch(pod)
            continue
        if w.emu.profile.on("pod_startup") and pod["status"].get("phase") == "Pending" \
                and rt.get("running_at", 0) <= time.time() < rt.get("ready_at", 0):
            set_status(pod, "Running", True, False)  # containers started, the readiness probe not yet passed
            w.touch(pod)
        if time.time() >= rt.get("ready_at", 0):
            set_status(pod, "Running", True, True)
            w.touch(pod)
            for rc in w.store["rayclusters"].values():
                if rc["metadata"]["name"] == pod["metadata"]["labels"].get("ray.io/cluster"):
                    rc["status"]["state"] = "ready"
