"""GKE (container.googleapis.com v1): clusters, node pools and their operations.

Each cluster's `endpoint` is "127.0.0.1:KUBEPORT/k/LOCATION/NAME": gcloud
writes "https://" + endpoint into the kubeconfig, so every cluster gets its
own Kubernetes world on the one HTTPS server (the path prefix selects it).

A mutating call answers with a RUNNING operation. Instant profile: its effect is
there at once and the first poll says DONE. Realistic profile: the cluster or
pool shows PROVISIONING / RECONCILING / STOPPING and the effect lands when the
operation turns DONE, its duration later; a second mutating call on the same
cluster meanwhile gets GKE's FAILED_PRECONDITION "Cluster is running
incompatible operation".
"""
import base64
import re
import time
import uuid

from core import LOCK, ApiError
import cloudtime
import compute_api
import kube_api
import nodesim
import project_policy

VERSION = "1.31.6-gke.1020000"
LOC = r"/v1/projects/(?P<p>[^/:]+)/(?:locations|zones)/(?P<l>[^/:]+)"


is_zone = compute_api.is_zone


def is_region(loc):
    return re.fullmatch(r"[a-z]+-[a-z]+\d+", loc) is not None


def make_cluster(emu, project, loc, name, autopilot=False, pool=None, ray=False,
                 machine="e2-standard-8", nodes=1, autoscaling=None, gcsfuse=False, provisioning=False,
                 dataplane_v2=False, network_policy=False):
    """Builds the Cluster JSON gcloud reads back (endpoint, CA, versions...); `provisioning`: its create
    operation is still running (no Ray CRD yet: the add-on comes with the finished cluster). `dataplane_v2`
    (always on Autopilot) shows as networkConfig.datapathProvider ADVANCED_DATAPATH; `network_policy` as
    networkPolicy {enabled, provider CALICO} with the NetworkPolicy add-on on."""
    if autopilot:
        pool = "%s.svc.id.goog" % project["projectId"]
    key = "%s/%s" % (loc, name)
    c = {"name": name, "location": loc, "status": "PROVISIONING" if provisioning else "RUNNING",
         "selfLink": "https://container.googleapis.com/v1/projects/%s/locations/%s/clusters/%s"
                     % (project["projectId"], loc, name),
         "endpoint": "127.0.0.1:%d/k/%s/%s" % (emu.kube_port, loc, name),
         "masterAuth": {"clusterCaCertificate": base64.b64encode(emu.ca_pem.encode()).decode()},
         "initialClusterVersion": VERSION, "currentMasterVersion": VERSION,
         "currentNodeVersion": VERSION, "currentNodeCount": 0 if autopilot else nodes,
         "createTime": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
         "network": "default", "subnetwork": "default",
         "addonsConfig": {"rayOperatorConfig": ray if isinstance(ray, dict) else {"enabled": True}} if ray else {},
         "nodePools": [] if autopilot else [{
             "name": "default-pool", "status": "PROVISIONING" if provisioning else "RUNNING", "version": VERSION,
             "initialNodeCount": nodes,
             "config": {"machineType": machine, "diskSizeGb": 100,
                        "workloadMetadataConfig": {"mode": "GKE_METADATA"} if pool else {}},
             "autoscaling": autoscaling or {}}],
         "_project": project["projectId"]}
    c["zone"] = loc  # deprecated field, still read by gcloud's LOCATION column
    if pool:
        c["workloadIdentityConfig"] = {"workloadPool": pool}
    if pool or autopilot:
        emu.workload_pools.add(pool or project["projectId"] + ".svc.id.goog")
    if autopilot:
        c["autopilot"] = {"enabled": True}
    if gcsfuse or autopilot:
        # Autopilot clusters come with the Cloud Storage FUSE CSI driver on.
        c["addonsConfig"]["gcsFuseCsiDriverConfig"] = {"enabled": True}
    if dataplane_v2 or autopilot:
        c.setdefault("networkConfig", {})["datapathProvider"] = "ADVANCED_DATAPATH"
    if network_policy:
        c["networkPolicy"] = {"enabled": True, "provider": "CALICO"}
        c["addonsConfig"]["networkPolicyConfig"] = {}
    with LOCK:
        emu.clusters[key] = c
        emu.kube[key] = kube_api.World(emu, key)
        emu.last_cluster = key
        if ray and not provisioning:
            emu.kube[key].install_ray_crd()
    return c


def public(c):
    return {k: v for k, v in c.items() if not k.startswith("_")}


def register(route, project):
    def cluster_rec(h, g):
        p = project(h, g["p"], "container.googleapis.com")
        c = h.emu.clusters.get("%s/%s" % (g["l"], g["c"]))
        if not c or c["_project"] != p["projectId"]:
            raise ApiError(404, "Not found: projects/%s/locations/%s/clusters/%s."
                           % (g["p"], g["l"], g["c"]))
        return p, c

    def resource(p, g):
        return "projects/%s/locations/%s/clusters/%s" % (p["projectId"], g["l"], g["c"])

    def mutating(h, g, permission="container.clusters.update"):
        """The checks every mutating call on an existing cluster passes first; returns (project, cluster)."""
        p, c = cluster_rec(h, g)
        project_policy.require(h.emu, p["projectId"], permission, resource(p, g))
        if h.emu.profile.on("one_operation_per_cluster"):
            key = "%s/%s" % (g["l"], g["c"])
            for name, rec in h.emu.operations.items():
                if rec.get("cluster") == key and rec["op"]["status"] != "DONE":
                    raise ApiError(400, "Cluster is running incompatible operation %s." % name,
                                   extra={"status": "FAILED_PRECONDITION"})
        return p, c

    def operation(h, p, loc, name, op_type, duration, finish=None):
        """Starts an operation on cluster LOC/NAME. `finish()` applies its effect and returns an error text or None:
        at once in the instant profile (the first poll says DONE, `running_polls` later), `duration` later in the
        realistic one (the operation turns DONE then)."""
        op_name = "operation-%d-%s" % (int(time.time() * 1000), uuid.uuid4().hex[:8])
        base = "https://container.googleapis.com/v1/projects/%s/locations/%s" % (p["projectNumber"], loc)
        op = {"name": op_name, "zone": loc, "operationType": op_type, "status": "RUNNING",
              "selfLink": base + "/operations/" + op_name, "targetLink": base + "/clusters/" + name,
              "startTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}
        rec = h.emu.operations[op_name] = {"op": op, "polls": 0, "cluster": "%s/%s" % (loc, name)}
        delay = h.emu.profile.delay(duration)
        if delay <= 0:
            rec["error"] = finish() if finish else None
            return dict(op)
        emu = h.emu

        def done(at):
            if "operation-never-finishes" in emu.specials:
                return
            rec["error"] = finish() if finish else None
            finished(rec, at)
            cloudtime.log_event(emu, "operation-done", "/v1/projects/%s/locations/%s/operations/%s"
                                % (p["projectId"], loc, op_name), "type=%s" % op_type,
                                status=500 if rec["error"] else 200, at=at)
        rec["done_at"] = time.time() + delay
        cloudtime.schedule(emu, rec["done_at"], done)
        return dict(op)

    def finished(rec, at):
        op = rec["op"]
        op["status"] = "DONE"
        op["endTime"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(at))
        if rec.get("error"):
            # The operation ends with the error; gcloud reports "finished with error: STATUS_MESSAGE".
            op.update(statusMessage=rec["error"], detail=rec["error"],
                      error={"code": 8, "message": rec["error"], "details": []})
            conditions = "nodepoolConditions" if op["operationType"].endswith("NODE_POOL") else "clusterConditions"
            op[conditions] = [{"code": "GCE_STOCKOUT", "message": rec["error"], "canonicalCode": "RESOURCE_EXHAUSTED"}]

    def stockout_error(h, p, c, pool, zones, expected):
        """The error a pool's first nodes meet when every zone of the pool is out of capacity, or None."""
        if expected <= 0:
            return None
        accelerator, _ = nodesim.pool_accelerator(pool)
        machine = pool.get("config", {}).get("machineType", "e2-medium")
        hits = [compute_api.stockout(h.emu, z, machine, accelerator) for z in zones]
        if not all(hits):
            return None
        instance = "gke-%s-%s-%s-%s" % (c["name"][:20], pool["name"][:14], nodesim._hex(8), nodesim._alnum(4))
        return compute_api.stockout_text(p["projectId"], zones[0], hits[0]["code"], instance, expected,
                                         h.emu.profile.real("stockout_give_up"))

    def quota_check(h, p, loc, machine, accelerator, count, spot, nodes):
        if nodes <= 0:
            return
        needs = {m: v * nodes for m, v in compute_api.node_needs(machine, accelerator, count, spot).items()}
        short = compute_api.shortfall(h.emu, p["projectId"], compute_api.region_of(loc), needs)
        if short:
            raise compute_api.quota_error(p["projectId"], short)

    @route("POST", LOC + r"/clusters", "create-cluster")
    def create(h, g):
        body = h.json_body().get("cluster", {})
        with LOCK:
            p = project(h, g["p"], "container.googleapis.com")
            loc, name = g["l"], body.get("name", "")
            if not (is_zone(loc) or is_region(loc)):
                raise ApiError(400, "Location \"%s\" does not exist." % loc)
            if not re.fullmatch(r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?", name):
                raise ApiError(400, "Invalid value for field \"cluster.name\": \"%s\"" % name)
            project_policy.require(h.emu, p["projectId"], "container.clusters.create", "projects/" + p["projectId"])
            project_policy.require_billing(h.emu, p)
            if "%s/%s" % (loc, name) in h.emu.clusters:
                raise ApiError(409, "Already exists: projects/%s/locations/%s/clusters/%s."
                               % (p["projectId"], loc, name))
            autopilot = bool(body.get("autopilot", {}).get("enabled"))
            if autopilot and not is_region(loc):
                raise ApiError(400, "Autopilot clusters must be regional clusters.")
            pool = body.get("workloadIdentityConfig", {}).get("workloadPool")
            check_pool(p, pool)
            ray_config = body.get("addonsConfig", {}).get("rayOperatorConfig", {})
            ray = ray_config if ray_config.get("enabled") else False
            gcsfuse = bool(body.get("addonsConfig", {}).get("gcsFuseCsiDriverConfig", {}).get("enabled"))
            np = (body.get("nodePools") or [{}])[0]
            machine = np.get("config", body.get("nodeConfig", {})).get("machineType", "e2-medium")
            nodes = np.get("initialNodeCount", body.get("initialNodeCount", 3))
            zones = [loc] if is_zone(loc) else compute_api.zones_of(loc)
            if not autopilot:
                quota_check(h, p, loc, machine, None, 0, False, nodes * len(zones))
            realistic = h.emu.profile.delay("create_cluster") > 0
            dataplane_v2 = (body.get("networkConfig") or {}).get("datapathProvider") == "ADVANCED_DATAPATH"
            network_policy = bool((body.get("networkPolicy") or {}).get("enabled"))
            c = make_cluster(h.emu, p, loc, name, autopilot, pool, ray, gcsfuse=gcsfuse, machine=machine, nodes=nodes,
                             autoscaling=np.get("autoscaling"), provisioning=realistic, dataplane_v2=dataplane_v2,
                             network_policy=network_policy)
            private = body.get("privateClusterConfig", {}).get("enablePrivateNodes") or \
                body.get("networkConfig", {}).get("defaultEnablePrivateNodes")
            if private:
                c["privateClusterConfig"] = dict(body.get("privateClusterConfig") or {}, enablePrivateNodes=True)
                c.setdefault("networkConfig", {})["defaultEnablePrivateNodes"] = True
            error = None if autopilot else stockout_error(h, p, c, c["nodePools"][0], zones, nodes * len(zones))
            key = "%s/%s" % (loc, name)

            def finish():
                if error:
                    c["status"] = "ERROR"
                    for np_ in c.get("nodePools", []):
                        np_["status"] = "ERROR"
                    return error
                c["status"] = "RUNNING"
                for np_ in c.get("nodePools", []):
                    np_["status"] = "RUNNING"
                if ray and key in h.emu.kube:
                    h.emu.kube[key].install_ray_crd()
                return None
            if error:
                duration = "stockout_give_up"
            else:
                duration = "create_cluster_autopilot" if autopilot else "create_cluster"
            return 200, operation(h, p, loc, name, "CREATE_CLUSTER", duration, finish)

    def check_pool(p, pool):
        if pool and pool != "%s.svc.id.goog" % p["projectId"]:
            raise ApiError(400, "Workload pool \"%s\" must be \"%s.svc.id.goog\"."
                           % (pool, p["projectId"]))

    @route("GET", LOC + r"/clusters/(?P<c>[^/:]+)", "get-cluster")
    def get(h, g):
        with LOCK:
            c = cluster_rec(h, g)[1]
            answer = public(c)
            if c.get("_provisioning_reads", 0) > 0:
                c["_provisioning_reads"] -= 1
                if c["_provisioning_reads"] == 0:
                    c["status"] = "RUNNING"
            return 200, answer

    @route("GET", LOC + r"/clusters", "list-clusters")
    def list_(h, g):
        with LOCK:
            p = project(h, g["p"], "container.googleapis.com")
            return 200, {"clusters": [public(c) for c in h.emu.clusters.values()
                                      if c["_project"] == p["projectId"]
                                      and g["l"] in ("-", c["location"])]}

    @route("PUT", LOC + r"/clusters/(?P<c>[^/:]+)", "update-cluster")
    def update(h, g):
        upd = h.json_body().get("update", {})
        h.kind_override = {("desiredWorkloadIdentityConfig",): "update-cluster-workload-pool",
                           ("desiredAddonsConfig",): "update-cluster-addons"}.get(tuple(sorted(upd)), "update-cluster")
        with LOCK:
            p, c = mutating(h, g)
            key = "%s/%s" % (g["l"], g["c"])
            changes = []
            if "desiredWorkloadIdentityConfig" in upd:
                pool = upd["desiredWorkloadIdentityConfig"].get("workloadPool")
                if c.get("autopilot"):
                    raise ApiError(400, "Workload Identity cannot be changed on Autopilot clusters.")
                check_pool(p, pool)
                # Existing node pools keep their metadata mode (real GKE); recorded, not enforced: see README.
                changes.append(lambda: (c.__setitem__("workloadIdentityConfig", {"workloadPool": pool}),
                                        h.emu.workload_pools.add(pool)) if pool
                               else c.pop("workloadIdentityConfig", None))
            ray = upd.get("desiredAddonsConfig", {}).get("rayOperatorConfig")
            if ray is not None:
                current = c["addonsConfig"].get("rayOperatorConfig", {})
                options = {k: v for k, v in ray.items() if k != "enabled"}
                if options and not (ray.get("enabled") or current.get("enabled")):
                    raise ApiError(400, "Ray cluster logging and monitoring require the Ray Operator add-on to be enabled.")

                def set_ray():
                    now_current = c["addonsConfig"].get("rayOperatorConfig", {})
                    if ray.get("enabled", now_current.get("enabled")):
                        merged = dict(now_current, **ray)
                        merged["enabled"] = True
                        c["addonsConfig"]["rayOperatorConfig"] = merged
                        if key in h.emu.kube:
                            h.emu.kube[key].install_ray_crd()
                    else:
                        c["addonsConfig"].pop("rayOperatorConfig", None)
                changes.append(set_ray)
            fuse = upd.get("desiredAddonsConfig", {}).get("gcsFuseCsiDriverConfig")
            if fuse is not None:
                changes.append(lambda: c["addonsConfig"].__setitem__("gcsFuseCsiDriverConfig", {"enabled": True})
                               if fuse.get("enabled") else c["addonsConfig"].pop("gcsFuseCsiDriverConfig", None))
            netpol = upd.get("desiredAddonsConfig", {}).get("networkPolicyConfig")
            if netpol is not None:
                changes.append(lambda: c["addonsConfig"].__setitem__("networkPolicyConfig",
                                                                     {"disabled": True} if netpol.get("disabled") else {}))
            if h.emu.profile.delay("update_cluster") > 0:
                c["status"] = "RECONCILING"

            def finish():
                for change in changes:
                    change()
                c["status"] = "RUNNING"
            return 200, operation(h, p, g["l"], g["c"], "UPDATE_CLUSTER", "update_cluster", finish)

    @route("POST", LOC + r"/clusters/(?P<c>[^/:]+):setNetworkPolicy", "set-network-policy")
    def set_network_policy(h, g):
        """`clusters update --enable-network-policy` (Calico enforcement; GKE recreates the nodes, not modelled)."""
        policy = h.json_body().get("networkPolicy") or {}
        with LOCK:
            p, c = mutating(h, g)
            if h.emu.profile.delay("update_cluster") > 0:
                c["status"] = "RECONCILING"

            def finish():
                if policy.get("enabled"):
                    c["networkPolicy"] = {"enabled": True, "provider": policy.get("provider", "CALICO")}
                else:
                    c.pop("networkPolicy", None)
                c["status"] = "RUNNING"
            return 200, operation(h, p, g["l"], g["c"], "SET_NETWORK_POLICY", "update_cluster", finish)

    def pool_rec(h, g):
        p, c = cluster_rec(h, g)
        for np in c.get("nodePools", []):
            if np["name"] == g["np"]:
                return p, c, np
        raise ApiError(404, "Not found: node pool %s." % g["np"])

    @route("GET", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools/(?P<np>[^/:]+)", "get-node-pool")
    def get_pool(h, g):
        with LOCK:
            return 200, pool_rec(h, g)[2]

    @route("POST", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools", "create-node-pool")
    def create_pool(h, g):
        """`node-pools create`: kept with its accelerators, metadata mode and autoscaling (GPU pods need one)."""
        body = h.json_body().get("nodePool", {})
        with LOCK:
            p, c = cluster_rec(h, g)
            name = body.get("name", "")
            if c.get("autopilot"):
                raise ApiError(400, "Autopilot clusters do not support node pool operations; GKE provisions nodes "
                                    "for the pods' requests.")
            if not re.fullmatch(r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?", name):
                raise ApiError(400, "Invalid value for field \"node_pool.name\": \"%s\"" % name)
            if any(np["name"] == name for np in c.get("nodePools", [])):
                raise ApiError(409, "Already exists: projects/%s/locations/%s/clusters/%s/nodePools/%s."
                               % (p["projectId"], g["l"], g["c"], name))
            config = body.get("config", {})
            zones = body.get("locations") or ([g["l"]] if is_zone(g["l"]) else compute_api.zones_of(g["l"]))
            for accelerator in config.get("accelerators", []):
                for zone in zones:
                    if accelerator.get("acceleratorType") in h.emu.missing_accelerators.get(zone, ()):
                        raise ApiError(400, "Accelerator type \"%s\" does not exist in zone %s."
                                       % (accelerator["acceleratorType"], zone))
            if config.get("workloadMetadataConfig", {}).get("mode") == "GKE_METADATA" and not c.get("workloadIdentityConfig"):
                raise ApiError(400, "Workload Identity must be enabled on the cluster before GKE_METADATA can be set "
                                    "on a node pool.")
            mutating(h, g)
            project_policy.require_billing(h.emu, p)
            realistic = h.emu.profile.delay("create_node_pool") > 0
            pool = {"name": name, "status": "PROVISIONING" if realistic else "RUNNING", "version": VERSION,
                    "initialNodeCount": body.get("initialNodeCount", 0),
                    "config": {"machineType": config.get("machineType", "e2-medium"), "diskSizeGb": 100,
                               "accelerators": config.get("accelerators", []),
                               "workloadMetadataConfig": config.get("workloadMetadataConfig", {})},
                    "autoscaling": body.get("autoscaling", {})}
            for key in ("spot", "preemptible"):
                if config.get(key):
                    pool["config"][key] = True
            if body.get("locations"):
                pool["locations"] = body["locations"]
            if (body.get("networkConfig") or {}).get("enablePrivateNodes") is not None:
                pool["networkConfig"] = {"enablePrivateNodes": bool(body["networkConfig"]["enablePrivateNodes"])}
            accelerator, count = nodesim.pool_accelerator(pool)
            nodes = int(pool["initialNodeCount"] or 0) * len(zones)
            quota_check(h, p, g["l"], pool["config"]["machineType"], accelerator, count, nodesim.pool_spot(pool), nodes)
            error = stockout_error(h, p, c, pool, zones, nodes)
            c.setdefault("nodePools", []).append(pool)
            key = "%s/%s" % (g["l"], g["c"])

            def finish():
                if error:
                    pool["status"] = "ERROR"
                    return error
                pool["status"] = "RUNNING"
                if key in h.emu.kube:
                    nodesim.create_pool_nodes(h.emu.kube[key], pool)
                return None
            return 200, operation(h, p, g["l"], g["c"], "CREATE_NODE_POOL",
                                  "stockout_give_up" if error else "create_node_pool", finish)

    @route("GET", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools", "list-node-pools")
    def list_pools(h, g):
        with LOCK:
            return 200, {"nodePools": cluster_rec(h, g)[1].get("nodePools", [])}

    @route("DELETE", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools/(?P<np>[^/:]+)", "delete-node-pool")
    def delete_pool(h, g):
        with LOCK:
            p, c, np = pool_rec(h, g)
            mutating(h, g)
            key = "%s/%s" % (g["l"], g["c"])
            if h.emu.profile.delay("delete_node_pool") > 0:
                np["status"] = "STOPPING"

            def finish():
                if np in c.get("nodePools", []):
                    c["nodePools"].remove(np)
                if key in h.emu.kube:
                    nodesim.remove_pool_nodes(h.emu.kube[key], np["name"])
            return 200, operation(h, p, g["l"], g["c"], "DELETE_NODE_POOL", "delete_node_pool", finish)

    @route("PUT", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools/(?P<np>[^/:]+)", "update-node-pool")
    def update_pool(h, g):
        """`node-pools update --workload-metadata=GKE_METADATA` (see strict_node_pools)."""
        body = h.json_body()
        with LOCK:
            p, c, np = pool_rec(h, g)
            mode = body.get("workloadMetadataConfig", {}).get("mode")
            if mode == "GKE_METADATA" and not c.get("workloadIdentityConfig"):
                raise ApiError(400, "Workload Identity must be enabled on the cluster before "
                                    "GKE_METADATA can be set on a node pool.")
            mutating(h, g)
            if h.emu.profile.delay("update_node_pool") > 0:
                np["status"] = "RECONCILING"

            def finish():
                if mode:
                    np["config"]["workloadMetadataConfig"] = {"mode": mode}
                np["status"] = "RUNNING"
            return 200, operation(h, p, g["l"], g["c"], "UPGRADE_NODES", "update_node_pool", finish)

    @route("DELETE", LOC + r"/clusters/(?P<c>[^/:]+)", "delete-cluster")
    def delete(h, g):
        with LOCK:
            p, c = mutating(h, g, "container.clusters.delete")
            key = "%s/%s" % (g["l"], g["c"])
            if h.emu.profile.delay("delete_cluster") > 0:
                c["status"] = "STOPPING"

            def finish():
                if h.emu.clusters.get(key) is c:
                    del h.emu.clusters[key]
                    h.emu.kube.pop(key, None)
            return 200, operation(h, p, g["l"], g["c"], "DELETE_CLUSTER", "delete_cluster", finish)

    @route("GET", LOC + r"/operations/(?P<op>[^/:]+)", "get-operation")
    def get_op(h, g):
        with LOCK:
            project(h, g["p"], "container.googleapis.com")
            rec = h.emu.operations.get(g["op"])
            if not rec:
                raise ApiError(404, "Operation %s not found." % g["op"])
            rec["polls"] += 1
            # Instant profile: gcloud polls at once after the create, then every 5 s: the operation answers
            # RUNNING for `running_polls` polls, then DONE. Realistic: the schedule turns it DONE on time.
            if "done_at" not in rec and "operation-never-finishes" not in h.emu.specials \
                    and rec["polls"] > h.emu.running_polls and rec["op"]["status"] != "DONE":
                finished(rec, time.time())
            return 200, rec["op"]
