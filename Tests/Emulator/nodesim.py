"""GKE's nodes as the cluster autoscaler and the kubelet see them: GPU nodes added for pending pods (within the
pool's autoscaling limit, the project's quotas and the zone's capacity), Autopilot's nodes, and when a bound pod's
images are pulled and it is Ready.

A Standard cluster's default pool is counted from its node count (no node records). A node pool made with
`node-pools create` and every Autopilot node are node records in the cluster's World: {pool, zone, machine,
accelerator, gpus, spot, ready_at, images}. A pod that selects a GPU type goes to a node of a matching pool with
GPUs to spare; else the autoscaler adds one: ready after `node_scale_up` (realistic profile), or refused with the
autoscaler's FailedScaleUp event ("GCE quota exceeded", "GCE out of resources") while the pod stays Pending, or
NotTriggerScaleUp when the pool is at its maximum. Nodes are never removed (no scale-down).
"""
import random
import string
import time

import cloudtime
import compute_api

NO_MATCH = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
DEFAULT_NODE = "gke-node-1"
READY_AFTER = 1.0  # instant profile: a bound pod is Ready this long after binding


def _hex(n):
    return "".join(random.choice("0123456789abcdef") for _ in range(n))


def _alnum(n):
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def pool_zones(cluster, pool):
    loc = cluster["location"]
    return pool.get("locations") or ([loc] if compute_api.is_zone(loc) else compute_api.zones_of(loc))


def pool_accelerator(pool):
    acc = (pool.get("config", {}).get("accelerators") or [{}])[0]
    machine = pool.get("config", {}).get("machineType", "e2-medium")
    built_in = compute_api.MACHINE_TYPES.get(machine, (0, 0, None, 0))
    if acc.get("acceleratorType"):
        return acc["acceleratorType"], int(acc.get("acceleratorCount") or 1)
    return built_in[2], built_in[3]


def pool_spot(pool):
    config = pool.get("config", {})
    return bool(config.get("spot") or config.get("preemptible"))


def gpu_request(pod):
    total = 0
    for c in pod["spec"].get("containers", []):
        res = c.get("resources") or {}
        value = (res.get("limits") or {}).get("nvidia.com/gpu") or (res.get("requests") or {}).get("nvidia.com/gpu")
        try:
            total += int(value or 0)
        except (TypeError, ValueError):
            pass
    return total


def node_usage(emu, key, cluster):
    """[(needs per node, node count, region)] of every node the cluster has: quotas count these."""
    region = compute_api.region_of(cluster["location"])
    w = emu.kube.get(key)
    managed = w.managed_pools if w else set()
    out = []
    for pool in cluster.get("nodePools", []):
        if pool["name"] in managed:
            continue
        accelerator, count = pool_accelerator(pool)
        needs = compute_api.node_needs(pool.get("config", {}).get("machineType", "e2-medium"), accelerator, count,
                                       pool_spot(pool))
        out.append((needs, int(pool.get("initialNodeCount") or 0) * len(pool_zones(cluster, pool)), region))
    for node in (w.nodes.values() if w else ()):
        if node.get("static"):
            continue  # the default pool's node, counted above
        out.append((compute_api.node_needs(node["machine"], node["accelerator"], node["gpus"], node["spot"]), 1,
                    compute_api.region_of(node["zone"])))
    return out


def add_node(w, pool_name, zone, machine, accelerator, gpus, spot, ready_at, autopilot=False):
    c = w.cluster()
    if autopilot:
        name = "gk3-%s-nap-%s-%s" % (c["name"][:20], _alnum(8), _alnum(4))
    else:
        name = "gke-%s-%s-%s-%s" % (c["name"][:20], pool_name[:14], _hex(8), _alnum(4))
    w.nodes[name] = {"pool": pool_name, "zone": zone, "machine": machine, "accelerator": accelerator, "gpus": gpus,
                     "spot": spot, "ready_at": ready_at, "images": {}}
    return name


def create_pool_nodes(w, pool):
    """A pool made by `node-pools create` gets its initial nodes (per zone), ready now: the create operation waited."""
    c = w.cluster()
    w.managed_pools.add(pool["name"])
    accelerator, count = pool_accelerator(pool)
    machine = pool.get("config", {}).get("machineType", "e2-medium")
    for zone in pool_zones(c, pool):
        for _ in range(int(pool.get("initialNodeCount") or 0)):
            add_node(w, pool["name"], zone, machine, accelerator, count, pool_spot(pool), time.time())


def remove_pool_nodes(w, pool_name):
    for name in [n for n, node in w.nodes.items() if node["pool"] == pool_name]:
        del w.nodes[name]
    w.managed_pools.discard(pool_name)


def gpus_used(w, node_name, but=None):
    used = 0
    for key, pod in w.store["pods"].items():
        rt = w.pod_rt.get(key, {})
        if key != but and key not in w.terminating and (pod["spec"].get("nodeName") == node_name
                                                        or rt.get("node") == node_name):
            used += gpu_request(pod)
    return used


def pod_event(w, pod, reason, message, component="cluster-autoscaler", kind="Warning"):
    """An Event on the pod, once per reason and message (the autoscaler repeats; once is what a reader needs).
    Returns whether it was new."""
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    seen = w.pod_events.setdefault("%s/%s" % (ns, name), set())
    if (reason, message) in seen:
        return False
    seen.add((reason, message))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    w.add("events", ns, {"metadata": {"name": "%s.%x" % (name, int(time.time() * 1e9))}, "type": kind,
                         "reason": reason, "message": message[:250], "count": 1,
                         "firstTimestamp": stamp, "lastTimestamp": stamp, "source": {"component": component},
                         "reportingComponent": component,
                         "involvedObject": {"kind": "Pod", "name": name, "namespace": ns, "apiVersion": "v1",
                                            "uid": pod["metadata"]["uid"]}})
    return True


def scale_up(w, pod, candidates, autopilot=False):
    """Asks for one more node for `pod` from the first candidate {pool, zones, machine, accelerator, gpus, spot,
    nodes, max} that has quota and capacity. Returns the new node's name, or None after the FailedScaleUp event."""
    emu, c = w.emu, w.cluster()
    pid = c["_project"]
    failures, tried = [], []
    for cand in candidates:
        zones = cand["zones"]
        tried += [z for z in zones if z not in tried]
        needs = compute_api.node_needs(cand["machine"], cand["accelerator"], cand["gpus"], cand["spot"])
        if compute_api.shortfall(emu, pid, compute_api.region_of(zones[0]), needs):
            failures.append("GCE quota exceeded")
            continue
        zone = next((z for z in zones if not compute_api.stockout(emu, z, cand["machine"], cand["accelerator"])), None)
        if zone is None:
            failures.append("GCE out of resources")
            continue
        node = add_node(w, cand["pool"], zone, cand["machine"], cand["accelerator"], cand["gpus"], cand["spot"],
                        time.time() + emu.profile.delay("node_scale_up"), autopilot)
        where = "/k/%s/nodes/%s" % (w.key, node)
        cloudtime.log_event(emu, "scale-up", where, "pool=%s&zone=%s&pod=%s" % (cand["pool"], zone, pod["metadata"]["name"]))
        ready_at = w.nodes[node]["ready_at"]
        if ready_at > time.time():
            cloudtime.schedule(emu, ready_at, lambda at: cloudtime.log_event(emu, "node-ready", where, at=at))
        if emu.profile.on("pod_startup"):
            pod_event(w, pod, "TriggeredScaleUp",
                      "pod triggered scale-up: [{https://www.googleapis.com/compute/v1/projects/%s/zones/%s/"
                      "instanceGroups/gke-%s-%s-grp %d->%d (max: %s)}]"
                      % (pid, zone, c["name"], cand["pool"], cand["nodes"], cand["nodes"] + 1, cand["max"]),
                      kind="Normal")
        return node
    reasons = ", ".join(dict.fromkeys(failures))
    if pod_event(w, pod, "FailedScaleUp", "Node scale up in zones %s associated with this pod failed: %s. Pod is at "
                                          "risk of not being scheduled." % (", ".join(tried), reasons)):
        cloudtime.log_event(emu, "scale-up-failed", "/k/%s/pods/%s/%s" % (w.key, pod["metadata"]["namespace"],
                                                                            pod["metadata"]["name"]), reasons, status=403)
    return None


def _assigned(w, rt, node):
    rt["node"] = node
    return None if w.nodes[node]["ready_at"] <= time.time() else NO_MATCH


def _free_node(w, key, request, fits):
    for name, node in sorted(w.nodes.items()):
        if fits(node) and node["gpus"] - gpus_used(w, name, but=key) >= request:
            return name
    return None


def place(w, pod, pools):
    """Finds a node of `pools` (the matching, usable GPU pools of a Standard cluster) for a GPU pod, adding one when
    the pool may grow. Returns None once the pod has a ready node (rt["node"]), else the scheduler's message."""
    key = "%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"])
    rt = w.pod_rt[key]
    if rt.get("node") in w.nodes:
        return _assigned(w, rt, rt["node"])
    if any(p["name"] not in w.managed_pools and int(p.get("initialNodeCount") or 0) > 0 for p in pools):
        return None  # a pool made with the cluster: its nodes are counted, not tracked
    request = gpu_request(pod)
    names = {p["name"] for p in pools}
    found = _free_node(w, key, request, lambda node: node["pool"] in names)
    if found:
        return _assigned(w, rt, found)
    c = w.cluster()
    candidates, at_max = [], 0
    for pool in pools:
        autoscaling = pool.get("autoscaling") or {}
        if pool["name"] not in w.managed_pools or not autoscaling.get("enabled"):
            continue
        zones = pool_zones(c, pool)
        nodes = sum(1 for n in w.nodes.values() if n["pool"] == pool["name"])
        most = int(autoscaling.get("maxNodeCount") or 0) * len(zones)
        if nodes >= most:
            at_max += 1
            continue
        accelerator, gpus = pool_accelerator(pool)
        candidates.append({"pool": pool["name"], "zones": zones, "machine": pool["config"].get("machineType", "e2-medium"),
                           "accelerator": accelerator, "gpus": gpus, "spot": pool_spot(pool), "nodes": nodes,
                           "max": most})
    if not candidates:
        if at_max:
            pod_event(w, pod, "NotTriggerScaleUp",
                      "pod didn't trigger scale-up: %d max node group size reached" % at_max, kind="Normal")
        return "0/1 nodes are available: 1 Insufficient nvidia.com/gpu."
    node = scale_up(w, pod, candidates)
    return _assigned(w, rt, node) if node else NO_MATCH


def place_autopilot(w, pod, accelerator):
    """Autopilot provisions nodes for pods: GPU pods get a node of the selected type sized to the request (an idle
    one when there is one). Returns None once the pod has a ready node, else the scheduler's message."""
    key = "%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"])
    rt = w.pod_rt[key]
    if rt.get("node") in w.nodes:
        return _assigned(w, rt, rt["node"])
    c, emu = w.cluster(), w.emu
    zones = compute_api.zones_of(compute_api.region_of(c["location"]))
    if not accelerator:
        if not emu.profile.on("pod_startup"):
            return None  # the instant profile binds CPU pods to the one node, as always
        return _assigned(w, rt, add_node(w, "nap", zones[0], "e2-standard-4", None, 0, False,
                                         time.time() + emu.profile.delay("node_scale_up"), autopilot=True))
    request = max(1, gpu_request(pod))
    found = _free_node(w, key, request, lambda node: node["accelerator"] == accelerator and node["pool"].startswith("nap"))
    if found:
        return _assigned(w, rt, found)
    machine = next((m for m, spec in sorted(compute_api.MACHINE_TYPES.items(), key=lambda kv: kv[1][0])
                    if spec[2] == accelerator and spec[3] >= request), None) or "n1-standard-%d" % (8 * request)
    offered = [z for z in zones if compute_api.offers_accelerator(emu, z, accelerator)]
    if not offered:
        return "0/1 nodes are available: no zone of the region offers %s" % accelerator
    spot = (pod["spec"].get("nodeSelector") or {}).get("cloud.google.com/gke-spot") == "true"
    gpus = compute_api.MACHINE_TYPES.get(machine, (0, 0, None, request))[3] or request
    node = scale_up(w, pod, [{"pool": "nap-" + accelerator, "zones": offered, "machine": machine,
                              "accelerator": accelerator, "gpus": gpus, "spot": spot, "nodes": 0, "max": "-"}],
                    autopilot=True)
    return _assigned(w, rt, node) if node else NO_MATCH


def bind(w, pod, rt):
    """The pod is on its node from now: its node name, and when it runs (images pulled) and is Ready."""
    emu, now = w.emu, time.time()
    node_name = rt.get("node")
    if node_name:
        pod["spec"]["nodeName"] = node_name
    if not emu.profile.on("pod_startup"):
        rt["running_at"], rt["ready_at"] = now, now + READY_AFTER
        return
    node = w.nodes.get(node_name) if node_name else w.nodes.setdefault(
        DEFAULT_NODE, {"pool": "default-pool", "zone": w.cluster().get("location"), "machine": "e2-medium",
                       "accelerator": None, "gpus": 0, "spot": False, "ready_at": 0, "images": {}, "static": True})
    running = now
    for c in pod["spec"].get("containers", []):
        image = c.get("image", "")
        if image not in node["images"]:
            node["images"][image] = max(now, node["ready_at"]) + emu.profile.delay("image_pull")
        running = max(running, node["images"][image])
    rt["running_at"], rt["ready_at"] = running, running + emu.profile.delay("pod_start")


def metadata_ready_at(w, pod):
    """When the pod's GKE metadata server starts answering (a few seconds after its containers start)."""
    rt = w.pod_rt.get("%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"]), {})
    return rt.get("running_at", 0) + w.emu.profile.delay("metadata_warmup")
