"""Compute Engine (compute.googleapis.com/compute/v1): what preflight reads, and the quotas and capacity GKE's
nodes draw on.

Regions and their zones, accelerator types and machine types per zone (every zone offers every type unless the
`missing_accelerators` / `missing_machine_types` seeds say otherwise), regional quotas (`regions describe`) and
global ones (`project-info describe`). A quota's usage is what the project's GKE nodes use now (derived from the
clusters, their node pools and the nodes the autoscaler added) plus any usage a seed gives. Stockouts name a zone
and optionally an accelerator type or machine type that Compute Engine has no capacity for.
"""
import re

from core import LOCK, ApiError

BASE = "https://www.googleapis.com/compute/v1/projects/%s"
ZONE_LETTERS = {"us-central1": "abcf", "us-east1": "bcd", "us-east4": "abc", "us-east5": "abc", "us-south1": "abc",
                "us-west1": "abc", "us-west2": "abc", "us-west3": "abc", "us-west4": "abc",
                "northamerica-northeast1": "abc", "southamerica-east1": "abc", "europe-west1": "bcd",
                "europe-west2": "abc", "europe-west3": "abc", "europe-west4": "abc", "europe-north1": "abc",
                "asia-east1": "abc", "asia-northeast1": "abc", "asia-south1": "abc", "asia-southeast1": "abc",
                "australia-southeast1": "abc"}
# accelerator type -> (description, max cards per VM, regional quota metric)
ACCELERATORS = {"nvidia-tesla-t4": ("NVIDIA T4", 4, "NVIDIA_T4_GPUS"),
                "nvidia-l4": ("NVIDIA L4", 8, "NVIDIA_L4_GPUS"),
                "nvidia-tesla-a100": ("NVIDIA A100 40GB", 16, "NVIDIA_A100_GPUS"),
                "nvidia-a100-80gb": ("NVIDIA A100 80GB", 8, "NVIDIA_A100_80GB_GPUS"),
                "nvidia-h100-80gb": ("NVIDIA H100 80GB", 8, "NVIDIA_H100_GPUS"),
                "nvidia-tesla-v100": ("NVIDIA V100", 8, "NVIDIA_V100_GPUS"),
                "nvidia-tesla-p4": ("NVIDIA P4", 4, "NVIDIA_P4_GPUS")}


def _machine_types():
    """name -> (vCPUs, memory GB, built-in accelerator type or None, its count)."""
    table = {"e2-medium": (2, 4, None, 0)}
    for n in (2, 4, 8, 16, 32):
        table["e2-standard-%d" % n] = (n, 4 * n, None, 0)
    for n in (1, 2, 4, 8, 16, 32, 64, 96):
        table["n1-standard-%d" % n] = (n, 3.75 * n, None, 0)
    for n in (2, 4, 8, 16, 32, 64, 128):
        table["n2-standard-%d" % n] = (n, 4 * n, None, 0)
    for n, gpus in ((4, 1), (8, 1), (12, 1), (16, 1), (24, 2), (32, 1), (48, 4), (96, 8)):
        table["g2-standard-%d" % n] = (n, 4 * n, "nvidia-l4", gpus)
    for gpus in (1, 2, 4, 8):
        table["a2-highgpu-%dg" % gpus] = (12 * gpus, 85 * gpus, "nvidia-tesla-a100", gpus)
        table["a2-ultragpu-%dg" % gpus] = (12 * gpus, 170 * gpus, "nvidia-a100-80gb", gpus)
    table["a2-megagpu-16g"] = (96, 1360, "nvidia-tesla-a100", 16)
    table["a3-highgpu-8g"] = (208, 1872, "nvidia-h100-80gb", 8)
    return table


MACHINE_TYPES = _machine_types()
# Machine families with a CPU quota of their own; the others count against CPUS.
FAMILY_CPU_METRICS = {"n2": "N2_CPUS", "n2d": "N2D_CPUS", "c2": "C2_CPUS", "c2d": "C2D_CPUS", "c3": "C3_CPUS",
                      "a2": "A2_CPUS"}
GPU_METRICS = sorted({m for _, _, m in ACCELERATORS.values()})


def _preset(cpus, family_cpus, gpus, gpus_all, cpus_all):
    regional = {"CPUS": cpus, "PREEMPTIBLE_CPUS": cpus, "IN_USE_ADDRESSES": 64, "DISKS_TOTAL_GB": 4096,
                "SSD_TOTAL_GB": 2048, "INSTANCES": 240}
    regional.update({m: family_cpus for m in FAMILY_CPU_METRICS.values()})
    for m in GPU_METRICS:
        regional[m] = regional["PREEMPTIBLE_" + m] = gpus
    return {"regional": regional, "global": {"GPUS_ALL_REGIONS": gpus_all, "CPUS_ALL_REGIONS": cpus_all,
                                             "NETWORKS": 15, "FIREWALLS": 200, "SNAPSHOTS": 5000}}


# "default": a project whose GPU quota was raised, so plans with a GPU group run as before. "new-project": what a new
# project has (no GPU quota at all; C2_CPUS is 8 there, as users report).
QUOTA_PRESETS = {"default": _preset(240, 240, 16, 32, 480), "new-project": _preset(24, 24, 0, 0, 32)}
QUOTA_PRESETS["new-project"]["regional"]["C2_CPUS"] = 8


def region_of(location):
    return location.rsplit("-", 1)[0] if is_zone(location) else location


def zones_of(region):
    return ["%s-%s" % (region, z) for z in ZONE_LETTERS.get(region, "abc")]


def is_zone(location):
    return re.fullmatch(r"[a-z]+-[a-z]+\d+-[a-z]", location) is not None


def known_zone(zone):
    return is_zone(zone) and zone in zones_of(region_of(zone))


def offers_accelerator(emu, zone, accelerator):
    return accelerator in ACCELERATORS and accelerator not in emu.missing_accelerators.get(zone, ())


def offers_machine(emu, zone, machine):
    spec = MACHINE_TYPES.get(machine)
    if not spec or machine in emu.missing_machine_types.get(zone, ()):
        return False
    return spec[2] is None or offers_accelerator(emu, zone, spec[2])


def cpu_metric(machine):
    return FAMILY_CPU_METRICS.get(machine.split("-")[0], "CPUS")


def node_needs(machine, accelerator=None, count=0, spot=False):
    """What one node takes from quotas: {metric: amount}, regional and global metrics together."""
    cpus, _, built_in, built_in_count = MACHINE_TYPES.get(machine, (2, 4, None, 0))
    accelerator, count = (accelerator, count) if accelerator else (built_in, built_in_count)
    cpu = cpu_metric(machine)
    needs = {"PREEMPTIBLE_CPUS" if spot and cpu == "CPUS" else cpu: cpus, "CPUS_ALL_REGIONS": cpus}
    if accelerator and count:
        needs[("PREEMPTIBLE_" if spot else "") + ACCELERATORS.get(accelerator, ("", 0, "NVIDIA_GPUS"))[2]] = count
        needs["GPUS_ALL_REGIONS"] = count
    return needs


# --- quotas -----------------------------------------------------------------
def quota_state(emu, pid):
    """The project's quota seed: {"preset", "regional": {region: {metric: {limit?, usage?}}}, "global": {...}}."""
    return emu.quotas.setdefault(pid, {"preset": "default", "regional": {}, "global": {}})


def seed_quotas(emu, spec):
    if not isinstance(spec, dict):
        raise ApiError(400, "quotas: expected a JSON object")
    pid = spec.get("project", emu.default_project)
    state = quota_state(emu, pid)
    if "preset" in spec:
        if spec["preset"] not in QUOTA_PRESETS:
            raise ApiError(400, "quotas.preset: must be one of %s" % ", ".join(sorted(QUOTA_PRESETS)))
        state.update({"preset": spec["preset"], "regional": {}, "global": {}})
    for scope, entries in (("regional", spec.get("regions") or {}), ("global", {"": spec.get("global") or {}})):
        for region, metrics in entries.items():
            target = state["regional"].setdefault(region, {}) if scope == "regional" else state["global"]
            for metric, value in metrics.items():
                entry = value if isinstance(value, dict) else {"limit": value}
                for key in entry:
                    if key not in ("limit", "usage") or isinstance(entry[key], bool) \
                            or not isinstance(entry[key], (int, float)) or entry[key] < 0:
                        raise ApiError(400, "quotas.%s.%s: expected a number >= 0 or {\"limit\", \"usage\"}"
                                       % (region or "global", metric))
                target.setdefault(metric, {}).update({k: float(v) for k, v in entry.items()})


def derived_usage(emu, pid, region):
    """What the project's GKE nodes use now: {metric: amount}, regional metrics of `region` plus global ones."""
    import nodesim
    usage = {}
    for key, c in emu.clusters.items():
        if c["_project"] != pid:
            continue
        for needs, count, node_region in nodesim.node_usage(emu, key, c):
            for metric, amount in needs.items():
                if metric.endswith("_ALL_REGIONS") or node_region == region:
                    usage[metric] = usage.get(metric, 0) + amount * count
    return usage


def quotas(emu, pid, region=None):
    """[{metric, limit, usage}] of a region (region given) or the project's global quotas."""
    state = quota_state(emu, pid)
    preset = QUOTA_PRESETS[state["preset"]]
    base = dict(preset["regional"] if region else preset["global"])
    seeded = state["regional"].get(region, {}) if region else state["global"]
    used = derived_usage(emu, pid, region)
    out = []
    for metric in sorted(set(base) | set(seeded)):
        limit = seeded.get(metric, {}).get("limit", base.get(metric, 0))
        usage = seeded.get(metric, {}).get("usage", 0.0) + used.get(metric, 0)
        out.append({"metric": metric, "limit": float(limit), "usage": float(usage)})
    return out


def shortfall(emu, pid, region, needs):
    """The first quota that `needs` (what new nodes take) would exceed: (metric, scope, limit, usage, need) or None."""
    regional = {q["metric"]: q for q in quotas(emu, pid, region)}
    global_ = {q["metric"]: q for q in quotas(emu, pid)}
    for metric, need in needs.items():
        table, scope = (global_, "global") if metric.endswith("_ALL_REGIONS") else (regional, "regional")
        q = table.get(metric, {"limit": 0.0, "usage": 0.0})
        if q["usage"] + need > q["limit"]:
            return metric, scope, q["limit"], q["usage"], need
    return None


def quota_error(pid, short):
    """GKE's synchronous 403 when a node pool's or cluster's first nodes do not fit a quota."""
    metric, scope, limit, usage, need = short
    available = max(0.0, limit - usage)
    return ApiError(403, "Insufficient %s quota to satisfy request: resource \"%s\": request requires '%.1f' and is "
                         "short '%.1f'. project has a quota of '%.1f' with '%.1f' available. View and manage quotas at "
                         "https://console.cloud.google.com/iam-admin/quotas?usage=USED&project=%s."
                    % (scope, metric, need, need - available, limit, available, pid))


# --- stockouts --------------------------------------------------------------
def seed_stockouts(emu, entries):
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("zone"), str):
            raise ApiError(400, "stockouts[]: each entry needs a \"zone\"")
        code = e.get("code", "GCE_STOCKOUT")
        if code not in ("GCE_STOCKOUT", "ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS"):
            raise ApiError(400, "stockouts[].code: GCE_STOCKOUT, ZONE_RESOURCE_POOL_EXHAUSTED or "
                                "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS, not %r" % code)
        emu.stockouts.append({"zone": e["zone"], "accelerator": e.get("accelerator"),
                              "machine_type": e.get("machine_type"), "code": code})


def stockout(emu, zone, machine, accelerator=None):
    """The stockout entry that leaves no capacity for such a node in `zone`, or None."""
    accelerator = accelerator or MACHINE_TYPES.get(machine, (0, 0, None, 0))[2]
    for s in emu.stockouts:
        if s["zone"] == zone and s["accelerator"] in (None, accelerator) and s["machine_type"] in (None, machine):
            return s
    return None


def stockout_text(pid, zone, code, instance, expected, elapsed):
    """GKE's error when a node pool's instance group cannot get its VMs (the operation ends with it)."""
    minutes, seconds = divmod(elapsed, 60)
    return ("Google Compute Engine: Not all instances running in IGM after %dm%.9fs. Expected %d, running 0, "
            "transitioning %d. Current errors: [%s]: Instance '%s' creation failed: The zone 'projects/%s/zones/%s' "
            "does not have enough resources available to fulfill the request.  '(resource type:compute)'."
            % (minutes, seconds, expected, expected, code, instance, pid, zone))


def list_filter(h, items):
    """The server-side filter gcloud sends for compute lists: terms `FIELD eq|ne "REGEX"` (all must hold), the
    regex matched against the whole field value."""
    text = (h.query.get("filter") or [""])[0]
    terms = re.findall(r'(\w+)\s+(eq|ne)\s+"((?:[^"\\]|\\.)*)"', text)
    if text and not terms:
        raise ApiError(400, "Invalid value for field 'filter': '%s'. Invalid list filter expression." % text, "invalid")
    keep = []
    for item in items:
        if all((re.fullmatch(rx, str(item.get(field, ""))) is not None) == (op == "eq") for field, op, rx in terms):
            keep.append(item)
    return keep


# --- the API ----------------------------------------------------------------
def register(route, project):
    P = r"/compute/v1/projects/(?P<p>[^/:]+)"

    def proj(h, g):
        return project(h, g["p"], "compute.googleapis.com")

    def not_found(pid, what):
        return ApiError(404, "The resource 'projects/%s/%s' was not found" % (pid, what), "notFound")

    def region_json(pid, region):
        return {"kind": "compute#region", "id": str(1000 + sorted(ZONE_LETTERS).index(region)) if region in ZONE_LETTERS
                else "1999", "creationTimestamp": "1969-12-31T16:00:00.000-08:00", "name": region,
                "description": region, "status": "UP", "zones": [BASE % pid + "/zones/" + z for z in zones_of(region)],
                "quotas": None, "selfLink": BASE % pid + "/regions/" + region, "supportsPzs": False}

    def zone_json(pid, zone):
        region = region_of(zone)
        return {"kind": "compute#zone", "id": str(2000 + zones_of(region).index(zone)), "name": zone,
                "creationTimestamp": "1969-12-31T16:00:00.000-08:00", "description": zone, "status": "UP",
                "region": BASE % pid + "/regions/" + region, "selfLink": BASE % pid + "/zones/" + zone,
                "availableCpuPlatforms": ["Intel Cascade Lake", "AMD Milan"], "supportsPzs": False}

    def accelerator_json(pid, zone, name):
        desc, cards, _ = ACCELERATORS[name]
        return {"kind": "compute#acceleratorType", "id": str(10000 + sorted(ACCELERATORS).index(name)),
                "creationTimestamp": "1969-12-31T16:00:00.000-08:00", "name": name, "description": desc,
                "zone": BASE % pid + "/zones/" + zone, "maximumCardsPerInstance": cards,
                "selfLink": BASE % pid + "/zones/%s/acceleratorTypes/%s" % (zone, name)}

    def machine_json(pid, zone, name):
        cpus, memory, accelerator, count = MACHINE_TYPES[name]
        m = {"kind": "compute#machineType", "id": str(800000 + sorted(MACHINE_TYPES).index(name)),
             "creationTimestamp": "1969-12-31T16:00:00.000-08:00", "name": name,
             "description": "%d vCPU%s, %g GB RAM%s" % (cpus, "s" if cpus > 1 else "", memory,
                                                        ", %d GPU%s" % (count, "s" if count > 1 else "") if count else ""),
             "guestCpus": cpus, "memoryMb": int(memory * 1024), "imageSpaceGb": 0, "maximumPersistentDisks": 128,
             "maximumPersistentDisksSizeGb": "263168", "zone": zone, "isSharedCpu": name == "e2-medium",
             "selfLink": BASE % pid + "/zones/%s/machineTypes/%s" % (zone, name)}
        if accelerator:
            m["accelerators"] = [{"guestAcceleratorType": accelerator, "guestAcceleratorCount": count}]
        return m

    def zone_or_404(pid, zone):
        if not known_zone(zone):
            raise not_found(pid, "zones/" + zone)

    @route("GET", P + r"/regions/(?P<r>[^/:]+)", "get-region")
    def get_region(h, g):
        with LOCK:
            p = proj(h, g)
            if g["r"] not in ZONE_LETTERS:
                raise not_found(p["projectId"], "regions/" + g["r"])
            r = region_json(p["projectId"], g["r"])
            r["quotas"] = quotas(h.emu, p["projectId"], g["r"])
            return 200, r

    @route("GET", P + r"/regions", "list-regions")
    def list_regions(h, g):
        with LOCK:
            p = proj(h, g)
            items = []
            for region in sorted(ZONE_LETTERS):
                r = region_json(p["projectId"], region)
                r["quotas"] = quotas(h.emu, p["projectId"], region)
                items.append(r)
            return 200, {"kind": "compute#regionList", "items": list_filter(h, items),
                         "selfLink": BASE % p["projectId"] + "/regions"}

    @route("GET", P, "get-project-info")
    def get_project_info(h, g):
        with LOCK:
            p = proj(h, g)
            return 200, {"kind": "compute#project", "id": p["projectNumber"], "name": p["projectId"],
                         "creationTimestamp": "2026-01-01T00:00:00.000-08:00",
                         "commonInstanceMetadata": {"kind": "compute#metadata", "fingerprint": "kPjsh5uo2ZM="},
                         "quotas": quotas(h.emu, p["projectId"]), "selfLink": BASE % p["projectId"],
                         "defaultServiceAccount": "%s-compute@developer.gserviceaccount.com" % p["projectNumber"],
                         "xpnProjectStatus": "UNSPECIFIED_XPN_PROJECT_STATUS", "defaultNetworkTier": "PREMIUM",
                         "vmDnsSetting": "ZONAL_ONLY"}

    @route("GET", P + r"/zones", "list-zones")
    def list_zones(h, g):
        with LOCK:
            p = proj(h, g)
            return 200, {"kind": "compute#zoneList", "selfLink": BASE % p["projectId"] + "/zones",
                         "items": list_filter(h, [zone_json(p["projectId"], z) for r in sorted(ZONE_LETTERS)
                                                  for z in zones_of(r)])}

    @route("GET", P + r"/zones/(?P<z>[^/:]+)", "get-zone")
    def get_zone(h, g):
        with LOCK:
            p = proj(h, g)
            zone_or_404(p["projectId"], g["z"])
            return 200, zone_json(p["projectId"], g["z"])

    def aggregated(h, g, kind, item_key, names, offers, make):
        """An aggregated list: every zone's offered items, or the warning Compute Engine puts on an empty scope."""
        with LOCK:
            p = proj(h, g)
            items = {}
            for region in sorted(ZONE_LETTERS):
                for zone in zones_of(region):
                    names_here = [n for n in names if offers(h.emu, zone, n)]
                    items["zones/" + zone] = {item_key: [make(p["projectId"], zone, n) for n in sorted(names_here)]} \
                        if names_here \
                        else {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "There are no results for scope "
                                          "'zones/%s' on this page." % zone,
                                          "data": [{"key": "scope", "value": "zones/" + zone}]}}
            return 200, {"kind": kind, "id": "projects/" + p["projectId"], "items": items,
                         "selfLink": BASE % p["projectId"] + "/aggregated/" + item_key}

    @route("GET", P + r"/aggregated/acceleratorTypes", "list-accelerator-types")
    def agg_accelerators(h, g):
        return aggregated(h, g, "compute#acceleratorTypeAggregatedList", "acceleratorTypes", ACCELERATORS,
                          offers_accelerator, accelerator_json)

    @route("GET", P + r"/aggregated/machineTypes", "list-machine-types")
    def agg_machines(h, g):
        return aggregated(h, g, "compute#machineTypeAggregatedList", "machineTypes", MACHINE_TYPES, offers_machine,
                          machine_json)

    def zonal_catalog(collection, noun, names, offers, make):
        """`TYPE list` and `describe` within one zone: what the zone offers, 404 for what it does not."""
        @route("GET", P + r"/zones/(?P<z>[^/:]+)/%s" % collection, "list-%ss" % noun)
        def list_in_zone(h, g):
            with LOCK:
                p = proj(h, g)
                zone_or_404(p["projectId"], g["z"])
                return 200, {"kind": "compute#%sList" % collection[:-1],
                             "items": [make(p["projectId"], g["z"], n) for n in sorted(names) if offers(h.emu, g["z"], n)]}

        @route("GET", P + r"/zones/(?P<z>[^/:]+)/%s/(?P<n>[^/:]+)" % collection, "get-" + noun)
        def get_in_zone(h, g):
            with LOCK:
                p = proj(h, g)
                zone_or_404(p["projectId"], g["z"])
                if not offers(h.emu, g["z"], g["n"]):
                    raise not_found(p["projectId"], "zones/%s/%s/%s" % (g["z"], collection, g["n"]))
                return 200, make(p["projectId"], g["z"], g["n"])

    zonal_catalog("acceleratorTypes", "accelerator-type", ACCELERATORS, offers_accelerator, accelerator_json)
    zonal_catalog("machineTypes", "machine-type", MACHINE_TYPES, offers_machine, machine_json)
