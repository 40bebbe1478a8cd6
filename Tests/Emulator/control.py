"""/__control endpoints: the test suite's window into the emulator.

Not part of any Google API; never authenticated, never faulted.
"""
from core import LOCK, ApiError
import container
import google_api


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


def seed(emu, spec):
    """Pre-creates things a test needs to exist before the wizard runs."""
    with LOCK:
        for p in spec.get("projects", []):
            emu.projects[p["projectId"]] = {"projectId": p["projectId"],
                                            "projectNumber": str(p["projectNumber"]),
                                            "name": p["projectId"], "lifecycleState": "ACTIVE"}
        if "running_polls" in spec:
            emu.running_polls = int(spec["running_polls"])
        if "strict_node_pools" in spec:
            emu.strict_node_pools = bool(spec["strict_node_pools"])
        for zone, types in (spec.get("missing_accelerators") or {}).items():
            emu.missing_accelerators.setdefault(zone, set()).update(types)
        if "enforce_services" in spec:
            emu.enforce_services = bool(spec["enforce_services"])
        for s in spec.get("enabled_services", []):
            emu.services.setdefault(emu.default_project, set()).add(s)
        default = emu.projects[emu.default_project]
        for c in spec.get("clusters", []):
            p = emu.projects[c.get("project", emu.default_project)]
            made = container.make_cluster(emu, p, c["location"], c["name"], bool(c.get("autopilot")),
                                          c.get("workloadPool"), bool(c.get("rayOperator")),
                                          gcsfuse=bool(c.get("gcsFuse")))
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
