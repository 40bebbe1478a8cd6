"""GKE (container.googleapis.com v1): clusters and their operations.

Each cluster's `endpoint` is "127.0.0.1:KUBEPORT/k/LOCATION/NAME": gcloud
writes "https://" + endpoint into the kubeconfig, so every cluster gets its
own Kubernetes world on the one HTTPS server (the path prefix selects it).
"""
import base64
import re
import time
import uuid

from core import LOCK, ApiError
import kube_api

VERSION = "1.31.6-gke.1020000"
LOC = r"/v1/projects/(?P<p>[^/:]+)/(?:locations|zones)/(?P<l>[^/:]+)"


def is_zone(loc):
    return re.fullmatch(r"[a-z]+-[a-z]+\d+-[a-z]", loc) is not None


def is_region(loc):
    return re.fullmatch(r"[a-z]+-[a-z]+\d+", loc) is not None


def make_cluster(emu, project, loc, name, autopilot=False, pool=None, ray=False,
                 machine="e2-standard-8", nodes=1, autoscaling=None, gcsfuse=False):
    """Builds the Cluster JSON gcloud reads back (endpoint, CA, versions...)."""
    if autopilot:
        pool = "%s.svc.id.goog" % project["projectId"]
    key = "%s/%s" % (loc, name)
    c = {"name": name, "location": loc, "status": "RUNNING",
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
             "name": "default-pool", "status": "RUNNING", "version": VERSION, "initialNodeCount": nodes,
             "config": {"machineType": machine, "diskSizeGb": 100,
                        "workloadMetadataConfig": {"mode": "GKE_METADATA"} if pool else {}},
             "autoscaling": autoscaling or {}}],
         "_project": project["projectId"]}
    c["zone"] = loc  # deprecated field, still read by gcloud's LOCATION column
    if pool:
        c["workloadIdentityConfig"] = {"workloadPool": pool}
    if autopilot:
        c["autopilot"] = {"enabled": True}
    if gcsfuse or autopilot:
        # Autopilot clusters come with the Cloud Storage FUSE CSI driver on.
        c["addonsConfig"]["gcsFuseCsiDriverConfig"] = {"enabled": True}
    with LOCK:
        emu.clusters[key] = c
        emu.kube[key] = kube_api.World(emu, key)
        emu.last_cluster = key
        if ray:
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

    def operation(h, p, loc, name, op_type):
        op_name = "operation-%d-%s" % (int(time.time() * 1000), uuid.uuid4().hex[:8])
        base = "https://container.googleapis.com/v1/projects/%s/locations/%s" % (p["projectNumber"], loc)
        op = {"name": op_name, "zone": loc, "operationType": op_type, "status": "RUNNING",
              "selfLink": base + "/operations/" + op_name, "targetLink": base + "/clusters/" + name,
              "startTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}
        h.emu.operations[op_name] = {"op": op, "polls": 0}
        return dict(op)

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
            make_cluster(h.emu, p, loc, name, autopilot, pool, ray, gcsfuse=gcsfuse,
                         machine=np.get("config", body.get("nodeConfig", {})).get("machineType", "e2-medium"),
                         nodes=np.get("initialNodeCount", body.get("initialNodeCount", 3)),
                         autoscaling=np.get("autoscaling"))
            return 200, operation(h, p, loc, name, "CREATE_CLUSTER")

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
        with LOCK:
            p, c = cluster_rec(h, g)
            kind = "UPDATE_CLUSTER"
            if "desiredWorkloadIdentityConfig" in upd:
                pool = upd["desiredWorkloadIdentityConfig"].get("workloadPool")
                if c.get("autopilot"):
                    raise ApiError(400, "Workload Identity cannot be changed on Autopilot clusters.")
                check_pool(p, pool)
                if pool:
                    # Existing node pools keep their metadata mode (real GKE);
                    # recorded, not enforced: see README.
                    c["workloadIdentityConfig"] = {"workloadPool": pool}
                else:
                    c.pop("workloadIdentityConfig", None)
            ray = upd.get("desiredAddonsConfig", {}).get("rayOperatorConfig")
            if ray is not None:
                current = c["addonsConfig"].get("rayOperatorConfig", {})
                options = {k: v for k, v in ray.items() if k != "enabled"}
                if options and not (ray.get("enabled") or current.get("enabled")):
                    raise ApiError(400, "Ray cluster logging and monitoring require the Ray Operator add-on to be enabled.")
                if ray.get("enabled", current.get("enabled")):
                    merged = dict(current, **ray)
                    merged["enabled"] = True
                    c["addonsConfig"]["rayOperatorConfig"] = merged
                    h.emu.kube["%s/%s" % (g["l"], g["c"])].install_ray_crd()
                else:
                    c["addonsConfig"].pop("rayOperatorConfig", None)
            fuse = upd.get("desiredAddonsConfig", {}).get("gcsFuseCsiDriverConfig")
            if fuse is not None:
                if fuse.get("enabled"):
                    c["addonsConfig"]["gcsFuseCsiDriverConfig"] = {"enabled": True}
                else:
                    c["addonsConfig"].pop("gcsFuseCsiDriverConfig", None)
            h.kind_override = {("desiredWorkloadIdentityConfig",): "update-cluster-workload-pool",
                               ("desiredAddonsConfig",): "update-cluster-addons"}.get(
                tuple(sorted(upd)), "update-cluster")
            return 200, operation(h, p, g["l"], g["c"], kind)

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
            zones = [g["l"]] if is_zone(g["l"]) else ["%s-%s" % (g["l"], z) for z in "abc"]
            for accelerator in config.get("accelerators", []):
                for zone in zones:
                    if accelerator.get("acceleratorType") in h.emu.missing_accelerators.get(zone, ()):
                        raise ApiError(400, "Accelerator type \"%s\" does not exist in zone %s."
                                       % (accelerator["acceleratorType"], zone))
            if config.get("workloadMetadataConfig", {}).get("mode") == "GKE_METADATA" and not c.get("workloadIdentityConfig"):
                raise ApiError(400, "Workload Identity must be enabled on the cluster before GKE_METADATA can be set "
                                    "on a node pool.")
            c.setdefault("nodePools", []).append({
                "name": name, "status": "RUNNING", "version": VERSION,
                "initialNodeCount": body.get("initialNodeCount", 0),
                "config": {"machineType": config.get("machineType", "e2-medium"), "diskSizeGb": 100,
                           "accelerators": config.get("accelerators", []),
                           "workloadMetadataConfig": config.get("workloadMetadataConfig", {})},
                "autoscaling": body.get("autoscaling", {})})
            return 200, operation(h, p, g["l"], g["c"], "CREATE_NODE_POOL")

    @route("GET", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools", "list-node-pools")
    def list_pools(h, g):
        with LOCK:
            return 200, {"nodePools": cluster_rec(h, g)[1].get("nodePools", [])}

    @route("DELETE", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools/(?P<np>[^/:]+)", "delete-node-pool")
    def delete_pool(h, g):
        with LOCK:
            p, c, np = pool_rec(h, g)
            c["nodePools"].remove(np)
            return 200, operation(h, p, g["l"], g["c"], "DELETE_NODE_POOL")

    @route("PUT", LOC + r"/clusters/(?P<c>[^/:]+)/nodePools/(?P<np>[^/:]+)", "update-node-pool")
    def update_pool(h, g):
        """`node-pools update --workload-metadata=GKE_METADATA` (see strict_node_pools)."""
        body = h.json_body()
        with LOCK:
            p, c, np = pool_rec(h, g)
            mode = body.get("workloadMetadataConfig", {}).get("mode")
            if mode:
                if mode == "GKE_METADATA" and not c.get("workloadIdentityConfig"):
                    raise ApiError(400, "Workload Identity must be enabled on the cluster before "
                                        "GKE_METADATA can be set on a node pool.")
                np["config"]["workloadMetadataConfig"] = {"mode": mode}
            return 200, operation(h, p, g["l"], g["c"], "UPGRADE_NODES")

    @route("DELETE", LOC + r"/clusters/(?P<c>[^/:]+)", "delete-cluster")
    def delete(h, g):
        with LOCK:
            p, c = cluster_rec(h, g)
            key = "%s/%s" % (g["l"], g["c"])
            del h.emu.clusters[key]
            h.emu.kube.pop(key, None)
            return 200, operation(h, p, g["l"], g["c"], "DELETE_CLUSTER")

    @route("GET", LOC + r"/operations/(?P<op>[^/:]+)", "get-operation")
    def get_op(h, g):
        with LOCK:
            project(h, g["p"], "container.googleapis.com")
            rec = h.emu.operations.get(g["op"])
            if not rec:
                raise ApiError(404, "Operation %s not found." % g["op"])
            rec["polls"] += 1
            # gcloud polls at once after the create, then every ~N s: the
            # operation answers RUNNING for `running_polls` polls, then DONE.
            if "operation-never-finishes" not in h.emu.specials and rec["polls"] > h.emu.running_polls:
                rec["op"]["status"] = "DONE"
                rec["op"]["endTime"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
            return 200, rec["op"]
