"""A small Kubernetes API server: one World per GKE cluster.

Requests arrive as /k/LOCATION/NAME/<kube path> (the cluster endpoint gcloud
wrote into the kubeconfig); un-prefixed paths go to the newest cluster.
Serves discovery, namespaces, serviceaccounts, pods, services, secrets,
networkpolicies, the rayclusters.ray.io CRD and RayClusters, watch, and
websocket exec.
"""
import copy
import json
import re
import time
import uuid
from datetime import datetime, timezone

from core import LOCK, ApiError, Handler
import authsim
import jobsim
import jsonpatch
import kube_proto
import netpolsim
import raysim

K8S_VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.6-gke.1020000",
               "gitCommit": "0" * 40, "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z",
               "goVersion": "go1.22.10", "compiler": "gc", "platform": "linux/amd64"}

# resource -> (group/version, Kind, namespaced, verbs)
RESOURCES = {
    "namespaces": ("v1", "Namespace", False),
    "serviceaccounts": ("v1", "ServiceAccount", True),
    "pods": ("v1", "Pod", True),
    "services": ("v1", "Service", True),
    "events": ("v1", "Event", True),
    "customresourcedefinitions": ("apiextensions.k8s.io/v1", "CustomResourceDefinition", False),
    "rayclusters": ("ray.io/v1", "RayCluster", True),
    "rayjobs": ("ray.io/v1", "RayJob", True),
    "secrets": ("v1", "Secret", True),
    "networkpolicies": ("networking.k8s.io/v1", "NetworkPolicy", True),
}
SHORT = {"namespaces": ["ns"], "serviceaccounts": ["sa"], "pods": ["po"], "services": ["svc"],
         "events": ["ev"], "customresourcedefinitions": ["crd", "crds"], "networkpolicies": ["netpol"]}
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ray_crd(auth_options=True):
    versions = [{"name": "v1", "served": True, "storage": True, "schema": authsim.crd_schema(auth_options)},
                {"name": "v1alpha1", "served": True, "storage": False, "deprecated": True,
                 "deprecationWarning": "ray.io/v1alpha1 RayCluster is deprecated; use ray.io/v1 RayCluster."}]
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "rayclusters.ray.io"},
            "spec": {"group": "ray.io", "scope": "Namespaced", "versions": versions,
                     "names": {"kind": "RayCluster", "listKind": "RayClusterList", "plural": "rayclusters",
                               "singular": "raycluster", "categories": ["all"]}},
            "status": {"conditions": [{"type": "Established", "status": "True"},
                                      {"type": "NamesAccepted", "status": "True"}],
                       "acceptedNames": {"kind": "RayCluster", "plural": "rayclusters"},
                       "storedVersions": ["v1"]}}


class World:
    """Objects of one cluster: store[resource]["ns/name" or "name"] = obj."""

    def __init__(self, emu, key):
        self.emu, self.key = emu, key
        self.store = {r: {} for r in RESOURCES}
        self.pod_rt = {}  # "ns/name" -> runtime facts (created, schedulable, when it runs)
        self.terminating = {}  # "ns/name" of a pod -> when it is gone
        self.create_failures = {}  # RayCluster uid -> {event reason: why its pods cannot be created}
        self.nodes = {}  # nodesim: node name -> {pool, zone, machine, accelerator, gpus, spot, ready_at, images}
        self.managed_pools = set()  # node pools whose nodes are node records (made by node-pools create)
        self.pod_events = {}  # "ns/pod" -> {(reason, message)} already reported on it
        self.ray_jobs = {}  # RayJob uid -> where jobsim has it (stage, submitter pod, driver process)
        self.pod_logs = {}  # "ns/pod" -> {lines, done}: what `kubectl logs` reads of a submitter
        self.operator = None  # where the KubeRay operator runs, set by the control API (jobsim.operator_peer)
        for ns in ("default", "kube-system", "kube-public"):
            self.add("namespaces", None, {"metadata": {"name": ns}})

    def cluster(self):
        return self.emu.clusters.get(self.key, {})

    def dump(self):
        return {"objects": self.store, "pod_runtime": {k: dict(v) for k, v in self.pod_rt.items()},
                "nodes": self.nodes}

    def has_ray(self):
        return "rayclusters.ray.io" in self.store["customresourcedefinitions"]

    def install_ray_crd(self):
        if not self.has_ray():
            self.add("customresourcedefinitions", None, ray_crd(authsim.serves_auth_options(self)))
            self.add("customresourcedefinitions", None, jobsim.crd())

    @staticmethod
    def k(ns, name):
        return "%s/%s" % (ns, name) if ns else name

    def get(self, res, ns, name):
        return self.store[res].get(self.k(ns, name))

    def add(self, res, ns, obj):
        """Stores a new object with server-set metadata; returns it."""
        gv, kind, namespaced = RESOURCES[res]
        obj = copy.deepcopy(obj)
        obj["apiVersion"], obj["kind"] = gv, kind
        m = obj.setdefault("metadata", {})
        if namespaced:
            m["namespace"] = ns
        m.update({"uid": str(uuid.uuid4()), "resourceVersion": str(self.emu.next_rv()),
                  "creationTimestamp": now_iso()})
        m.setdefault("generation", 1) if res == "rayclusters" else None
        if res == "namespaces":
            m.setdefault("labels", {})["kubernetes.io/metadata.name"] = m["name"]
            obj["spec"], obj["status"] = {"finalizers": ["kubernetes"]}, {"phase": "Active"}
        self.store[res][self.k(ns, m["name"])] = obj
        if res == "namespaces":  # the SA controller adds "default" to every namespace
            self.add("serviceaccounts", m["name"], {"metadata": {"name": "default"}})
        return obj

    def touch(self, obj):
        obj["metadata"]["resourceVersion"] = str(self.emu.next_rv())

    def advance(self):
        """Moves time forward: the operator retries head pods, pods get Ready."""
        raysim.reconcile(self)
        jobsim.reconcile(self)


class KubeHandler(Handler):
    server_name = "kube"

    def error_body(self, e):
        reason = e.reason or {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                              409: "AlreadyExists", 415: "UnsupportedMediaType",
                              422: "Invalid"}.get(e.status, "InternalError")
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": e.message, "reason": reason, "code": e.status}
        body.update(e.extra)
        return body

    def route(self, method, path):
        parts = [p for p in path.split("/") if p]
        self.world = None
        if len(parts) >= 3 and parts[0] == "k":
            self.world = self.emu.kube.get("%s/%s" % (parts[1], parts[2]))
            parts = parts[3:]
            if self.world is None:
                return "unknown", gone, ()
        else:
            self.world = self.emu.kube.get(self.emu.last_cluster)
        self.parts = parts
        if parts in (["version"], ["healthz"], ["livez"], ["readyz"]):
            return "version", version, ()
        if self.world is None:
            return "unknown", gone, ()
        if parts and parts[0] == "openapi":
            return "openapi", openapi, ()
        if parts in (["api"], ["apis"], ["api", "v1"]) or (parts[:1] == ["apis"] and len(parts) == 3):
            return "discovery", discovery, ()
        # /api/v1/... or /apis/G/V/...
        rest = parts[2:] if parts[:1] == ["api"] else parts[3:]
        gv = "v1" if parts[:1] == ["api"] else "/".join(parts[1:3])
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if not rest or rest[0] not in RESOURCES or RESOURCES[rest[0]][0] != gv:
            return "unknown", not_found, ()
        res, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        if res in ("rayclusters", "rayjobs") and not self.world.has_ray():
            return "unknown", not_found, ()
        singular = RESOURCES[res][1].lower()
        if sub == "exec" and res == "pods":
            import kube_exec
            return "exec", kube_exec.exec_pod, (ns, name)
        if sub == "log" and res == "pods" and method == "GET":
            return "get-pod-log", jobsim.pod_log, (ns, name)
        if sub == "portforward" and res == "pods":
            import kube_portforward
            return "port-forward", kube_portforward.forward, (ns, name)
        if sub:
            return "unknown", not_found, ()
        if name is None:
            if method == "POST":
                return "create-" + singular, create, (res, ns)
            if method == "GET":
                watch = (self.query.get("watch") or [""])[0] in ("true", "1")
                return ("watch-" if watch else "list-") + res, watch_or_list, (res, ns)
            return "unknown", not_found, ()
        verb = {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}.get(method)
        if not verb:
            return "unknown", not_found, ()
        return "%s-%s" % (verb, singular), {"get": get, "patch": patch, "update": put,
                                            "delete": delete}[verb], (res, ns, name)


def gone(h):
    raise ApiError(404, "the server could not find the requested resource")


def not_found(h):
    raise ApiError(404, "the server could not find the requested resource")


def version(h):
    return 200, K8S_VERSION if h.parts == ["version"] else b"ok"


def openapi(h):
    # kubectl apply needs a 200 protobuf v2 document (an empty one parses);
    # v3 may be missing, and then kubectl falls back to v2.
    if h.parts[:2] == ["openapi", "v2"]:
        return 200, b"", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    raise ApiError(404, "the server could not find the requested resource")


def resource_list(gv, w):
    res = [{"name": r, "singularName": k.lower(), "namespaced": nsd, "kind": k, "verbs": VERBS,
            "shortNames": SHORT.get(r, [])} for r, (g, k, nsd) in RESOURCES.items() if g == gv]
    if gv == "v1":
        res.append({"name": "pods/exec", "singularName": "", "namespaced": True, "kind": "PodExecOptions",
                    "verbs": ["create", "get"]})
    for r in res:
        if r["name"] in ("rayclusters", "rayjobs"):
            r["categories"] = ["all"]
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}


def discovery(h):
    w, p = h.world, h.parts
    groups = [("apiextensions.k8s.io", ["v1"]), ("networking.k8s.io", ["v1"])]
    if w.has_ray():
        groups.append(("ray.io", ["v1", "v1alpha1"]))
    if p == ["api"]:
        return 200, {"kind": "APIVersions", "versions": ["v1"],
                     "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}
    if p == ["apis"]:
        return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": "%s/%s" % (g, v), "version": v} for v in vs],
             "preferredVersion": {"groupVersion": "%s/%s" % (g, vs[0]), "version": vs[0]}}
            for g, vs in groups]}
    gv = "v1" if p == ["api", "v1"] else "%s/%s" % (p[1], p[2])
    if gv == "ray.io/v1alpha1" and w.has_ray():
        lst = resource_list("ray.io/v1", w)
        lst["groupVersion"] = gv
        return 200, lst
    if gv != "v1" and not any(gv == "%s/%s" % (g, v) for g, vs in groups for v in vs):
        raise ApiError(404, "the server could not find the requested resource")
    return 200, resource_list(gv, w)


def decode_body(h):
    ctype = h.headers.get("Content-Type", "")
    if "protobuf" in ctype:
        try:
            return kube_proto.decode(h.body)
        except (ValueError, IndexError, KeyError) as e:
            raise ApiError(400, "failed to decode protobuf body: %s" % e)
    try:
        return json.loads(h.body or b"{}")
    except ValueError as e:
        raise ApiError(400, "couldn't get version/kind; json parse error: %s" % e)


def qualified(res):
    """Resource name as the API server prints it: core plain, others res.group."""
    gv = RESOURCES[res][0]
    return res if "/" not in gv else "%s.%s" % (res, gv.split("/")[0])


def not_found_err(res, name):
    return ApiError(404, '%s "%s" not found' % (qualified(res), name),
                    extra={"details": {"name": name, "kind": res}})


def need_ns(w, ns):
    if ns and not w.get("namespaces", None, ns):
        raise ApiError(404, 'namespaces "%s" not found' % ns,
                       extra={"details": {"name": ns, "kind": "namespaces"}})


def create(h, res, ns):
    obj = decode_body(h)
    w = h.world
    with LOCK:
        w.advance()
        meta = obj.setdefault("metadata", {})
        if ns and meta.get("namespace") not in (None, "", ns):
            raise ApiError(400, "the namespace of the provided object does not match the namespace "
                                "sent on the request")
        name = meta.get("name")
        if not name:
            raise ApiError(422, "%s \"\" is invalid: metadata.name: Required value: name or "
                                "generateName is required" % RESOURCES[res][1], "Invalid")
        need_ns(w, ns)
        if w.get(res, ns, name):
            raise ApiError(409, '%s "%s" already exists' % (qualified(res), name),
                           extra={"details": {"name": name, "kind": res}})
        if res == "rayclusters":
            raysim.validate(w, obj)
            strict_fields(h, res, obj)
        if res == "rayjobs":
            jobsim.validate(obj)
        if res == "networkpolicies":
            netpolsim.validate(obj, strict=strict(h))
        if h.query.get("dryRun"):
            return 201, obj
        stored = w.add(res, ns, obj)
        if res == "rayclusters":
            raysim.on_create(w, stored)
        if res == "rayjobs":
            jobsim.on_create(w, stored)
        return 201, stored


def strict(h):
    """kubectl asks for strict field validation (its --validate=strict default)."""
    return (h.query.get("fieldValidation") or ["Strict"])[0] == "Strict"


def strict_fields(h, res, obj):
    """A RayCluster field the served CRD lacks is refused under strict validation; a NetworkPolicy is decoded and
    validated as a whole."""
    if res == "networkpolicies":
        netpolsim.validate(obj, strict=strict(h))
        return
    unknown = authsim.unknown_fields(h.world, obj) if res == "rayclusters" else None
    if unknown and strict(h):
        raise ApiError(400, 'RayCluster in version "v1" cannot be handled as a RayCluster: strict decoding error: '
                            'unknown field "%s"' % unknown, "BadRequest")


def get(h, res, ns, name):
    with LOCK:
        h.world.advance()
        obj = h.world.get(res, ns, name)
        if not obj:
            raise not_found_err(res, name)
        return 200, table(h, res, [obj]) or obj


def table(h, res, objs):
    """Server-side printing (kubectl get asks for as=Table)."""
    if "as=Table" not in h.headers.get("Accept", ""):
        return None
    cols = [("Name", "name"), ("Age", "")]
    rows = []
    for o in objs:
        age = o["metadata"].get("creationTimestamp", "")
        try:
            secs = int(time.time() - datetime.strptime(age, "%Y-%m-%dT%H:%M:%SZ")
                       .replace(tzinfo=timezone.utc).timestamp())
            age = "%ds" % secs if secs < 120 else "%dm" % (secs // 60)
        except ValueError:
            pass
        cells = [o["metadata"]["name"], age]
        if res == "pods":
            ready = raysim.pod_ready(o)
            cells[1:1] = ["%d/1" % ready, o.get("status", {}).get("phase", "Pending"), 0]
        if res == "networkpolicies":
            labels = ((o.get("spec") or {}).get("podSelector") or {}).get("matchLabels") or {}
            cells[1:1] = [",".join("%s=%s" % kv for kv in sorted(labels.items())) or "<none>"]
        if res == "events":
            involved = o.get("involvedObject") or {}
            cells = [o.get("type", ""), o.get("reason", ""),
                     "%s/%s" % (involved.get("kind", "").lower(), involved.get("name", "")), o.get("message", "")]
        rows.append({"cells": cells, "object": {"kind": "PartialObjectMetadata",
                                                "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]}})
    if res == "pods":
        cols[1:1] = [("Ready", ""), ("Status", ""), ("Restarts", "")]
    if res == "networkpolicies":
        cols[1:1] = [("Pod-Selector", "")]
    if res == "events":
        cols = [("Type", ""), ("Reason", ""), ("Object", ""), ("Message", "")]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": str(h.emu.rv)},
            "columnDefinitions": [{"name": n, "type": "string", "format": f, "description": "", "priority": 0}
                                  for n, f in cols],
            "rows": rows}


def selector_parts(text):
    """Splits a label selector on the commas outside `in (...)` / `notin (...)` value sets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def selected(h, obj):
    meta = obj["metadata"]
    for part in selector_parts((h.query.get("labelSelector") or [""])[0]):
        labels = meta.get("labels", {})
        sets = re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", part)
        if sets:
            values = {v.strip() for v in sets.group(3).split(",")}
            if (labels.get(sets.group(1)) in values) != (sets.group(2) == "in"):
                return False
        elif "!=" in part:
            k, v = part.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "=" in part:
            k, v = part.replace("==", "=").split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif part.startswith("!"):
            if part[1:] in labels:
                return False
        elif part.strip() not in labels:
            return False
    for part in filter(None, (h.query.get("fieldSelector") or [""])[0].split(",")):
        negate = "!=" in part
        k, v = part.replace("!=", "=").replace("==", "=").split("=", 1)
        involved = obj.get("involvedObject") or {}
        actual = {"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
                  "status.phase": obj.get("status", {}).get("phase"), "spec.nodeName": obj.get("spec", {}).get("nodeName"),
                  "involvedObject.name": involved.get("name"), "involvedObject.kind": involved.get("kind"),
                  "involvedObject.namespace": involved.get("namespace"), "involvedObject.uid": involved.get("uid"),
                  "reason": obj.get("reason"), "type": obj.get("type")}.get(k)
        if (actual == v) == negate:
            return False
    return True


def matching(h, res, ns):
    return [o for o in h.world.store[res].values()
            if (ns is None or o["metadata"].get("namespace") == ns) and selected(h, o)]


def watch_or_list(h, res, ns):
    with LOCK:
        h.world.advance()
        items = matching(h, res, ns)
        rv = h.emu.rv
    if (h.query.get("watch") or [""])[0] not in ("true", "1"):
        return 200, table(h, res, items) or {
            "kind": RESOURCES[res][1] + "List", "apiVersion": RESOURCES[res][0],
            "metadata": {"resourceVersion": str(rv)}, "items": items}
    return watch(h, res, ns)


def watch(h, res, ns):
    """A chunked watch stream, polled every 0.1 s; ends at timeoutSeconds."""
    since = int((h.query.get("resourceVersion") or ["0"])[0] or 0)
    timeout = min(float((h.query.get("timeoutSeconds") or ["600"])[0]), 600)
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.close_connection = True
    seen = {}
    last = {}  # name -> the object as last sent, for its DELETED event
    end = time.time() + timeout

    def chunk(data):
        h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        h.wfile.flush()

    try:
        while time.time() < end:
            with LOCK:
                h.world.advance()
                events = []
                present = set()
                for o in matching(h, res, ns):
                    k, rv = o["metadata"]["name"], int(o["metadata"]["resourceVersion"])
                    present.add(k)
                    if rv > since and seen.get(k) != rv:
                        events.append({"type": "MODIFIED" if k in seen or since else "ADDED",
                                       "object": copy.deepcopy(o)})
                        seen[k] = rv
                    seen.setdefault(k, rv)
                    last[k] = o
                for k in [k for k in last if k not in present]:
                    gone_obj = copy.deepcopy(last.pop(k))
                    gone_obj["metadata"]["resourceVersion"] = str(h.emu.next_rv())
                    events.append({"type": "DELETED", "object": gone_obj})
                    seen.pop(k, None)
            for ev in events:
                chunk(json.dumps(ev).encode() + b"\n")
            time.sleep(0.1)
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, OSError):
        pass
    return None


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    target = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = merge_patch(target.get(k), v)
    return target


def patch(h, res, ns, name):
    ctype = h.headers.get("Content-Type", "")
    if "apply-patch" in ctype:
        raise ApiError(415, "the emulator supports JSON, merge and strategic-merge patches only: %s" % ctype)
    body = decode_body(h)
    with LOCK:
        obj = h.world.get(res, ns, name)
        if not obj:
            raise not_found_err(res, name)
        keep = {k: obj["metadata"][k] for k in ("name", "namespace", "uid", "creationTimestamp")
                if k in obj["metadata"]}
        new = jsonpatch.apply(obj, body) if "json-patch" in ctype else merge_patch(obj, body)
        strict_fields(h, res, new)
        new["metadata"].update(keep)
        obj.clear()
        obj.update(new)
        h.world.touch(obj)
        return 200, obj


def put(h, res, ns, name):
    body = decode_body(h)
    with LOCK:
        obj = h.world.get(res, ns, name)
        if not obj:
            raise not_found_err(res, name)
        keep = {k: obj["metadata"][k] for k in ("name", "namespace", "uid", "creationTimestamp")
                if k in obj["metadata"]}
        body.setdefault("metadata", {}).update(keep)
        if res == "networkpolicies":
            netpolsim.validate(body, strict=strict(h))
        obj.clear()
        obj.update(body)
        obj["apiVersion"], obj["kind"] = RESOURCES[res][0], RESOURCES[res][1]
        h.world.touch(obj)
        return 200, obj


def delete(h, res, ns, name):
    with LOCK:
        w = h.world
        obj = w.store[res].pop(w.k(ns, name), None)
        if not obj:
            raise not_found_err(res, name)
        if res == "namespaces":
            for r in RESOURCES:
                for key in [k for k in w.store[r] if k.startswith(name + "/")]:
                    del w.store[r][key]
        if res == "rayclusters":
            raysim.on_delete(w, obj)
        if res == "rayjobs":
            jobsim.on_delete(w, obj)
        return 200, obj
