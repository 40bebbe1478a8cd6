"""/__control endpoints: the test suite's window into the emulator.

Not part of any Google API; never authenticated, never faulted.
"""
import copy
import time
import types

from core import LOCK, ApiError
import compute_api
import container
import google_api
import iam_propagation
import jobsim
import kube_portforward
import project_policy


def register(route):
    @route("GET", r"/__control/log", "control")
    def log(h, g):
        with LOCK:
            return 200, list(h.emu.log)

    @route("GET", r"/__control/state", "control")
    def state(h, g):
        return 200, h.emu.dump()

    @route("POST", r"/__control/faults", "control")
    def faults(h, g):
        h.emu.add_faults(h.json_body())
        return 200, {"ok": True}

    @route("POST", r"/__control/reset-faults", "control")
    def reset(h, g):
        h.emu.reset_faults()
        return 200, {"ok": True}

    @route("POST", r"/__control/seed", "control")
    def seed_(h, g):
        seed(h.emu, h.json_body())
        return 200, {"ok": True}

    @route("GET", r"/__control/profile", "control")
    def get_profile(h, g):
        with LOCK:
            return 200, h.emu.profile.describe()

    @route("POST", r"/__control/profile", "control")
    def set_profile(h, g):
        with LOCK:
            h.emu.profile.configure(h.json_body())
            return 200, h.emu.profile.describe()

    @route("GET", r"/__control/pending", "control")
    def get_pending(h, g):
        return 200, pending(h.emu)

    @route("POST", r"/__control/port-forward/drop", "control")
    def drop_port_forwards(h, g):
        """Ends every live `kubectl port-forward` tunnel: {"mode": "close"} (the default) resets the connection as a
        lost one does, {"mode": "hang"} keeps it open with nothing flowing any more."""
        return 200, {"dropped": kube_portforward.drop(h.emu, h.json_body().get("mode", "close"))}

    @route("POST", r"/__control/operator", "control")
    def set_operator(h, g):
        """Where the KubeRay operator runs: {"namespace": NS, "labels": {...}} (labels default to the Helm chart's),
        for the cluster "cluster" ("LOCATION/NAME") names, else for every cluster, those made later too; without a
        namespace, back to the default (the add-on's gke-managed-system, else Helm's default). Its calls to a head's
        dashboard come from there."""
        body = h.json_body()
        peer = None
        if body.get("namespace"):
            peer = {"namespace": body["namespace"],
                    "labels": dict(body.get("labels") or jobsim.OPERATOR_LABELS)}
        with LOCK:
            key = body.get("cluster")
            if key is None:
                h.emu.operator = peer
                return 200, {"operator": peer}
            if key not in h.emu.kube:
                raise ApiError(404, "no cluster %s" % key)
            h.emu.kube[key].operator = peer
            return 200, {"cluster": key, "operator": jobsim.operator_peer(h.emu.kube[key])}

    @route("POST", r"/__control/install-crd", "control")
    def install_crd(h, g):
        """For a fake `helm install kuberay-operator`: serve rayclusters.ray.io
        in the named cluster ("LOCATION/NAME"), else in the most recent one."""
        key = h.json_body().get("cluster") or h.emu.last_cluster
        with LOCK:
            if key not in h.emu.kube:
                raise ApiError(404, "no cluster %s" % key)
            h.emu.kube[key].install_ray_crd()
        return 200, {"ok": True, "cluster": key}


def pending(emu):
    """What the model has started and not finished, with when it will: operations, IAM changes not yet in effect,
    new service accounts not yet usable, nodes being added, pods pulling images or warming up."""
    with LOCK:
        now = time.time()
        out = {"now": round(now, 3), "profile": emu.profile.name, "time_scale": emu.profile.time_scale,
               "operations": [], "pods": [], "nodes": []}
        for name, rec in emu.operations.items():
            if rec["op"]["status"] != "DONE":
                out["operations"].append({"name": name, "type": rec["op"]["operationType"], "cluster": rec.get("cluster"),
                                          "done_at": round(rec["done_at"], 3) if "done_at" in rec else None,
                                          "remaining_seconds": round(rec["done_at"] - now, 3) if "done_at" in rec
                                          else None})
        for name, op in emu.service_operations.items():
            if not op.get("done"):
                out["operations"].append({"name": name, "type": "ENABLE_SERVICES", "cluster": None,
                                          "done_at": round(op["_done_at"], 3),
                                          "remaining_seconds": round(op["_done_at"] - now, 3)})
        out.update(iam_propagation.pending(emu))
        for key, w in emu.kube.items():
            for name, node in w.nodes.items():
                if node["ready_at"] > now:
                    out["nodes"].append({"cluster": key, "node": name, "pool": node["pool"],
                                         "ready_at": round(node["ready_at"], 3)})
            for pod_key, rt in w.pod_rt.items():
                pod = w.store["pods"].get(pod_key)
                if not pod:
                    continue
                warm = rt.get("running_at", 0) + emu.profile.delay("metadata_warmup")
                stage = None
                if not rt.get("schedulable"):
                    stage, until = "unscheduled", None
                elif rt.get("running_at", 0) > now:
                    stage, until = "pulling", rt["running_at"]
                elif rt.get("ready_at", 0) > now:
                    stage, until = "starting", rt["ready_at"]
                elif warm > now:
                    stage, until = "metadata-warmup", warm
                if stage:
                    out["pods"].append({"cluster": key, "pod": pod_key, "stage": stage,
                                        "until": round(until, 3) if until else None})
        return out


def seed(emu, spec):
    """Pre-creates things a test needs to exist before the wizard runs. The keys that describe the cloud (profile,
    quotas, stockouts, billing, roles, org policies) are checked before anything is applied."""
    with LOCK:
        scratch = types.SimpleNamespace(quotas={}, stockouts=[], governance={}, default_project=emu.default_project)
        profile = copy.deepcopy(emu.profile)
        if "profile" in spec:
            profile.configure(spec["profile"])
        if "quotas" in spec:
            compute_api.seed_quotas(scratch, spec["quotas"])
        compute_api.seed_stockouts(scratch, spec.get("stockouts") or [])
        project_policy.seed(scratch, spec)
        emu.profile = profile
        for p in spec.get("projects", []):
            emu.projects[p["projectId"]] = {"projectId": p["projectId"],
                                            "projectNumber": str(p["projectNumber"]),
                                            "name": p["projectId"], "lifecycleState": "ACTIVE"}
        if "running_polls" in spec:
            emu.running_polls = int(spec["running_polls"])
        if "strict_node_pools" in spec:
            emu.strict_node_pools = bool(spec["strict_node_pools"])
        for zone, names in (spec.get("missing_accelerators") or {}).items():
            emu.missing_accelerators.setdefault(zone, set()).update(names)
        for zone, names in (spec.get("missing_machine_types") or {}).items():
            emu.missing_machine_types.setdefault(zone, set()).update(names)
        if "quotas" in spec:
            compute_api.seed_quotas(emu, spec["quotas"])
        compute_api.seed_stockouts(emu, spec.get("stockouts") or [])
        project_policy.seed(emu, spec)
        if "egress" in spec:
            emu.egress = bool(spec["egress"])
        if "enforce_services" in spec:
            emu.enforce_services = bool(spec["enforce_services"])
        for s in spec.get("enabled_services", []):
            emu.services.setdefault(emu.default_project, set()).add(s)
        default = emu.projects[emu.default_project]
        for c in spec.get("clusters", []):
            p = emu.projects[c.get("project", emu.default_project)]
            made = container.make_cluster(emu, p, c["location"], c["name"], bool(c.get("autopilot")),
                                          c.get("workloadPool"), bool(c.get("rayOperator")),
                                          gcsfuse=bool(c.get("gcsFuse")), dataplane_v2=bool(c.get("dataplaneV2")),
                                          network_policy=bool(c.get("networkPolicy")))
            if c.get("privateNodes"):
                made["privateClusterConfig"] = {"enablePrivateNodes": True}
                made["networkConfig"] = {"defaultEnablePrivateNodes": True}
            # A cluster whose create was interrupted: PROVISIONING for this many more reads, then RUNNING.
            if c.get("provisioningReads"):
                made["status"] = "PROVISIONING"
                made["_provisioning_reads"] = int(c["provisioningReads"])
        for b in spec.get("buckets", []):
            if isinstance(b, str):
                b = {"name": b}
            p = emu.projects[b.get("project", emu.default_project)]
            google_api.new_bucket(emu, p, b["name"], b.get("location", "us-west1"),
                                  b.get("uniform", True))
        emu.taken_bucket_names.update(spec.get("taken_bucket_names", []))
        for sa in spec.get("service_accounts", []):
            email = sa if "@" in sa else "%s@%s.iam.gserviceaccount.com" % (sa, default["projectId"])
            emu.service_accounts[email] = {
                "sa": {"name": "projects/%s/serviceAccounts/%s" % (default["projectId"], email),
                       "projectId": default["projectId"], "email": email, "uniqueId": "1" * 21,
                       "displayName": "", "etag": "MDEwMjE5MjA="},
                "policy": {"version": 1, "etag": "ACAB"}, "gen": 0}
        for f in (spec.get("faults") or []):
            emu.add_faults(f if "rules" in f or "special" in f else {"rules": [f]})
