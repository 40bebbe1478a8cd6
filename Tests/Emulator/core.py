"""Shared state, request log, fault injection and the HTTP handler base.

One process-wide lock guards everything: the servers are threaded (kubectl
holds a watch open while other calls arrive) but requests are tiny, so a
single lock keeps the model simple and race-free.
"""
import base64
import json
import os
import re
import ssl
import subprocess
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

LOCK = threading.RLock()

GRPC_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
               404: "NOT_FOUND", 409: "ALREADY_EXISTS", 412: "FAILED_PRECONDITION",
               429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def self_signed_tls(key, crt, common_name, alt_names, reuse=False):
    """A TLS certificate that is its own CA, for `alt_names` (openssl's subjectAltName list), made with the openssl
    CLI into the files `crt` and `key` (with `reuse`, only when `crt` is not there yet); returns `crt` and the context
    that serves it."""
    if not (reuse and os.path.exists(crt)):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", crt, "-days", "3", "-subj", "/CN=" + common_name,
                        "-addext", "subjectAltName=" + alt_names,
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
                        "-addext", "extendedKeyUsage=serverAuth"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    return crt, ctx


class ApiError(Exception):
    """Raised by handlers; the server shapes it like the real service would."""

    def __init__(self, status, message, reason=None, extra=None):
        super().__init__(message)
        self.status, self.message, self.reason, self.extra = status, message, reason, extra or {}


class Emulator:
    """All mutable state. Handlers mutate it under LOCK."""

    def __init__(self, project, number, token, state_dir):
        import cloudtime  # here, not at the top: cloudtime imports core
        self.profile, self.schedule = cloudtime.Profile(), cloudtime.Schedule()
        self.token = token
        self.oauth_key = None  # the service-account key's public half (oauth_token.make_key)
        self.state_dir = state_dir
        self.default_project = project
        self.projects = {project: {"projectId": project, "projectNumber": str(number),
                                   "name": project, "lifecycleState": "ACTIVE"}}
        # A new project has a few APIs on; container/iamcredentials are not.
        self.services = {project: {"storage.googleapis.com", "storage-api.googleapis.com",
                                   "storage-component.googleapis.com", "serviceusage.googleapis.com",
                                   "cloudresourcemanager.googleapis.com", "logging.googleapis.com",
                                   "monitoring.googleapis.com", "bigquery.googleapis.com"}}
        self.enforce_services = True
        # Polls answered RUNNING before DONE. gcloud polls at once, then every
        # 5 s, so 0 (the create reply itself says RUNNING) keeps tests fast.
        self.running_polls = 0
        # Real GKE: node pools made before Workload Identity was turned on
        # keep GCE_METADATA. Off by default because the wizard's plan has no
        # node-pools update step; tests may turn it on via /__control/seed.
        self.strict_node_pools = False
        # Where the KubeRay operator runs in every cluster without its own setting (jobsim.operator_peer); None: the
        # add-on's namespace or Helm's. Set through POST /__control/operator.
        self.operator = None
        self.missing_accelerators = {}  # zone -> GPU types GKE does not offer there
        self.missing_machine_types = {}  # zone -> machine types Compute Engine does not offer there
        self.quotas = {}          # project -> compute_api quota seed
        self.stockouts = []       # compute_api: zones (and types) without capacity
        self.governance = {}      # project -> project_policy state (billing, roles, org policies)
        self.egress = True        # False: no pod reaches the internet (private nodes without Cloud NAT)
        self.service_operations = {}  # Service Usage operations still running (realistic profile)
        self.clusters = {}        # "LOC/NAME" -> GKE Cluster JSON
        self.operations = {}      # op name -> {"op": json, "polls": n}
        self.kube = {}            # "LOC/NAME" -> kube_api.World
        self.last_cluster = None  # default kube world for un-prefixed requests
        self.service_accounts = {}  # email -> {"sa": json, "policy": json}
        self.workload_pools = set()  # PROJECT.svc.id.goog pools made by a cluster with Workload Identity (they outlive it)
        self.buckets = {}         # name -> {"bucket": json, "policy": json, "objects": {}}
        self.taken_bucket_names = set()
        self.log = []
        self.rules = []
        self.specials = set()
        self.kube_port = None
        self.ca_pem = ""
        self.rv = 1000            # shared resourceVersion / generation counter

    def next_rv(self):
        with LOCK:
            self.rv += 1
            return self.rv

    # --- faults -------------------------------------------------------
    def add_faults(self, spec):
        with LOCK:
            if spec.get("special"):
                self.specials.add(spec["special"])
            for r in spec.get("rules", []):
                if r.get("special"):
                    self.specials.add(r["special"])
                    continue
                r = dict(r)
                r["_re"] = re.compile(r.get("path_regex", ".*"))
                self.rules.append(r)

    def reset_faults(self):
        with LOCK:
            self.rules, self.specials = [], set()

    def take_fault(self, method, path):
        """Returns the matching rule (consuming one use) or None."""
        with LOCK:
            for r in self.rules:
                if r.get("method") and r["method"].upper() != method:
                    continue
                if not r["_re"].search(path):
                    continue
                times = r.get("times")
                if times is not None:
                    if times <= 0:
                        continue
                    r["times"] = times - 1
                return r
        return None

    def record(self, server, method, path, query, status, kind, at=None):
        with LOCK:
            self.log.append({"method": method, "path": path, "query": query, "status": status,
                             "kind": kind, "server": server, "time": round(at or time.time(), 3)})

    def advance(self):
        """Lets the model's deferred work (operations, IAM propagation) catch up with the clock."""
        import cloudtime
        cloudtime.advance(self)

    def dump(self):
        with LOCK:
            return {
                "projects": self.projects,
                "services": {p: sorted(s) for p, s in self.services.items()},
                "clusters": self.clusters,
                "operations": {k: v["op"] for k, v in self.operations.items()},
                "kube": {k: w.dump() for k, w in self.kube.items()},
                "service_accounts": self.service_accounts,
                "buckets": self.buckets,
                "taken_bucket_names": sorted(self.taken_bucket_names),
                "profile": self.profile.describe(),
                "quotas": self.quotas, "stockouts": self.stockouts, "governance": self.governance,
                "egress": self.egress,
                "faults": {"rules": [{k: v for k, v in r.items() if k != "_re"} for r in self.rules],
                           "specials": sorted(self.specials)},
            }


def etag_for(n):
    """gcloud base64-decodes policy etags (InvalidDataFromServerError otherwise)."""
    return base64.b64encode(b"\x08" + bytes([n % 128])).decode()


class Handler(BaseHTTPRequestHandler):
    """Routes via self.route(method, path) -> (kind, fn, args).

    fn(self, *args) returns (status, body_obj) or None when it wrote the
    response itself (watch streams, websocket exec).
    """
    protocol_version = "HTTP/1.1"
    server_name = "google"
    emu = None  # set on the subclass

    def log_message(self, *a):  # keep stdout clean: tests read READY from it
        pass

    def do_GET(self): self.dispatch("GET")
    def do_POST(self): self.dispatch("POST")
    def do_PUT(self): self.dispatch("PUT")
    def do_PATCH(self): self.dispatch("PATCH")
    def do_DELETE(self): self.dispatch("DELETE")

    def dispatch(self, method):
        u = urlsplit(self.path)
        self.url_path, self.query = u.path, parse_qs(u.query)
        self.raw_query = u.query
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n) if n else b""
        kind, status = "unknown", 500
        self.kind_override = None  # handlers refine the kind (e.g. which update)
        try:
            self.emu.advance()
            kind, fn, args = self.route(method, self.url_path)
            self.check_auth()
            rule = self.emu.take_fault(method, self.url_path)
            if rule:
                raise ApiError(int(rule.get("status", 500)), rule.get("message") or "Injected fault",
                               reason=rule.get("reason"))
            res = fn(self, *args)
            if res is None:
                status = getattr(self, "streamed_status", 200)
            else:
                status, obj = res[0], res[1]
                self.send_json(status, obj, *(res[2:]))
        except ApiError as e:
            status = e.status
            self.send_json(status, self.error_body(e))
        except (BrokenPipeError, ConnectionResetError):
            status = 499
        except Exception as e:  # a bug in the emulator: say so loudly
            traceback.print_exc()
            status = 500
            try:
                self.send_json(500, self.error_body(ApiError(500, "emulator bug: %r" % e)))
            except Exception:
                pass
        self.emu.record(self.server_name, method, self.url_path, self.raw_query, status,
                        self.kind_override or kind)

    def check_auth(self):
        if self.url_path.startswith("/__control") or self.url_path in ("/version", "/healthz") \
                or (self.server_name == "google" and self.url_path == "/token"):  # the token endpoint takes a signed JWT
            return
        if self.headers.get("Authorization") != "Bearer " + self.emu.token:
            raise ApiError(401, "Request had invalid authentication credentials.", "Unauthorized")

    def send_json(self, status, obj, ctype="application/json", extra_headers=None):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def json_body(self):
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            raise ApiError(400, "Invalid JSON payload received.")

    def error_body(self, e):
        raise NotImplementedError


def serve(handler_cls, ssl_context=None):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    srv.daemon_threads = True
    if ssl_context is not None:
        srv.socket = ssl_context.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv
