"""Google API surface: Service Usage, Resource Manager, Container, IAM,
Storage JSON API, plus the /__control endpoints for tests.

Only what gcloud 528 sends for the wizard's commands is served; anything
else gets a 404 and is logged as kind "unknown" so gaps are visible.
"""
import base64
import hashlib
import json
import re
import time
import uuid
from urllib.parse import quote

from core import LOCK, ApiError, GRPC_STATUS, Handler, etag_for
import cloudtime
import compute_api
import container
import control
import iam_propagation
import iam_roles
import oauth_token
import project_policy

SERVICE_TITLES = {"container.googleapis.com": "Kubernetes Engine API",
                  "iam.googleapis.com": "Identity and Access Management (IAM) API",
                  "iamcredentials.googleapis.com": "IAM Service Account Credentials API",
                  "storage.googleapis.com": "Cloud Storage API",
                  "compute.googleapis.com": "Compute Engine API"}
# Enabling the GKE API pulls in its dependencies, as the real one does.
DEPENDENCIES = {"container.googleapis.com": ["compute.googleapis.com", "iam.googleapis.com",
                                             "oslogin.googleapis.com", "artifactregistry.googleapis.com"]}
PROJ = r"/v1/projects/(?P<p>[^/:]+)"


class GoogleHandler(Handler):
    server_name = "google"
    ROUTES = []  # (method, regex, kind, fn) filled below

    def route(self, method, path):
        for m, rx, kind, fn in self.ROUTES:
            if m == method:
                mo = rx.fullmatch(path)
                if mo:
                    return kind, fn, (mo.groupdict(),)
        return "unknown", not_found, ()

    def error_body(self, e):
        if isinstance(e, oauth_token.OAuthError):
            return {"error": e.error, "error_description": e.message}
        if self.url_path.startswith(("/storage/", "/upload/storage/", "/compute/")):
            # Storage's and Compute Engine's JSON API error shape (no "status" string).
            err = {"code": e.status, "message": e.message,
                   "errors": [{"message": e.message, "domain": "global",
                               "reason": e.reason or {403: "forbidden", 404: "notFound",
                                                      409: "conflict"}.get(e.status, "invalid")}]}
        else:
            err = {"code": e.status, "message": e.message,
                   "status": GRPC_STATUS.get(e.status, "UNKNOWN")}
            if e.reason:
                err["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                   "reason": e.reason, "domain": "googleapis.com"}]
        err.update(e.extra)
        return {"error": err}


def route(method, pattern, kind):
    def deco(fn):
        GoogleHandler.ROUTES.append((method, re.compile(pattern), kind, fn))
        return fn
    return deco


def not_found(h):
    raise ApiError(404, "The emulator does not serve %s %s" % (h.command, h.url_path))


def project(h, pid, api=None):
    """Resolves a project id or number; 403 like the real APIs for unknown ones,
    and 403 SERVICE_DISABLED when the API the call needs is off."""
    emu = h.emu
    for p in emu.projects.values():
        if pid in (p["projectId"], p["projectNumber"]):
            if api and emu.enforce_services and api not in emu.services.get(p["projectId"], ()):
                raise ApiError(403, "%s has not been used in project %s before or it is disabled. "
                               "Enable it by visiting https://console.developers.google.com/apis/api/%s/"
                               "overview?project=%s then retry." % (
                                   SERVICE_TITLES.get(api, api), p["projectNumber"], api,
                                   p["projectNumber"]), "SERVICE_DISABLED")
            return p
    raise ApiError(403, "The caller does not have permission", "IAM_PERMISSION_DENIED") \
        if not h.url_path.startswith("/storage/") else \
        ApiError(403, "tester@example.com does not have storage.buckets.create access to the "
                 "Google Cloud project. Permission 'storage.buckets.create' denied on resource "
                 "(or it may not exist).")


# --- Cloud Resource Manager -----------------------------------------------
@route("GET", PROJ, "get-project")
@route("GET", r"/v3/projects/(?P<p>[^/:]+)", "get-project")
def get_project(h, g):
    with LOCK:
        p = dict(project(h, g["p"]))
    if h.url_path.startswith("/v3/"):
        p = {"name": "projects/" + p["projectNumber"], "projectId": p["projectId"],
             "state": "ACTIVE", "displayName": p["projectId"]}
    return 200, p


# --- Service Usage --------------------------------------------------------
def service_json(p, name, enabled):
    return {"name": "projects/%s/services/%s" % (p["projectNumber"], name),
            "parent": "projects/" + p["projectNumber"],
            "config": {"name": name, "title": SERVICE_TITLES.get(name, name)},
            "state": "ENABLED" if enabled else "DISABLED"}


@route("POST", PROJ + r"/services:batchEnable", "enable-services")
def batch_enable(h, g):
    ids = h.json_body().get("serviceIds", [])
    return 200, enable(h, g["p"], ids)


@route("POST", PROJ + r"/services/(?P<s>[^/:]+):enable", "enable-service")
def enable_one(h, g):
    return 200, enable(h, g["p"], [g["s"]])


def enable(h, pid, ids):
    """Enables services (and what they depend on) as a long-running operation: done at once in the instant
    profile (gcloud does not poll), `enable_service` later in the realistic one (gcloud polls it)."""
    with LOCK:
        p = project(h, pid)
        for s in ids:
            if "." not in s:
                raise ApiError(400, "Invalid service name %s" % s)
        for s in ids:
            project_policy.require(h.emu, p["projectId"], "serviceusage.services.enable", s)
        project_policy.require_billing_for_services(h.emu, p, ids)
        name = "operations/acat.p2-%s-%s" % (p["projectNumber"], uuid.uuid4())
        response = {"@type": "type.googleapis.com/google.api.serviceusage.v1.BatchEnableServicesResponse",
                    "services": [service_json(p, s, True) for s in ids]}

        def turn_on(at=None):
            on = h.emu.services.setdefault(p["projectId"], set())
            for s in ids:
                on.add(s)
                on.update(DEPENDENCIES.get(s, []))
            h.emu.service_operations[name] = {"name": name, "done": True, "response": response}
            if at is not None:
                cloudtime.log_event(h.emu, "operation-done", "/v1/" + name, "services=" + ",".join(ids), at=at)
        delay = h.emu.profile.delay("enable_service")
        if delay <= 0:
            turn_on()
            return {"name": name, "done": True, "response": response}
        h.emu.service_operations[name] = {"name": name, "metadata": {
            "@type": "type.googleapis.com/google.api.serviceusage.v1.OperationMetadata"}, "_done_at": time.time() + delay}
        cloudtime.schedule(h.emu, time.time() + delay, turn_on)
        return {k: v for k, v in h.emu.service_operations[name].items() if not k.startswith("_")}


@route("GET", PROJ + r"/services", "list-services")
def list_services(h, g):
    with LOCK:
        p = project(h, g["p"])
        on = sorted(h.emu.services.get(p["projectId"], ()))
    flt = (h.query.get("filter") or [""])[0]
    if "DISABLED" in flt:
        on = []
    return 200, {"services": [service_json(p, s, True) for s in on]}


@route("GET", PROJ + r"/services/(?P<s>[^/:]+)", "get-service")
def get_service(h, g):
    with LOCK:
        p = project(h, g["p"])
        return 200, service_json(p, g["s"], g["s"] in h.emu.services.get(p["projectId"], ()))


@route("GET", r"/v1/operations/(?P<op>.+)", "get-service-operation")
def su_operation(h, g):
    with LOCK:
        op = h.emu.service_operations.get("operations/" + g["op"])
        if op is None:
            return 200, {"name": "operations/" + g["op"], "done": True}
        return 200, {k: v for k, v in op.items() if not k.startswith("_")}


# --- IAM service accounts -------------------------------------------------
def sa_email(h, p, ref):
    return ref if "@" in ref else "%s@%s.iam.gserviceaccount.com" % (ref, p["projectId"])


def get_sa_rec(h, g):
    p = project(h, g["p"], "iam.googleapis.com") if g["p"] != "-" else None
    email = g["sa"]
    rec = h.emu.service_accounts.get(email)
    if not rec:
        raise ApiError(404, "Unknown service account", extra={"status": "NOT_FOUND"})
    return rec


@route("POST", PROJ + r"/serviceAccounts", "create-service-account")
def create_sa(h, g):
    body = h.json_body()
    with LOCK:
        p = project(h, g["p"], "iam.googleapis.com")
        acct = body.get("accountId", "")
        if not re.fullmatch(r"[a-z]([-a-z0-9]{4,28}[a-z0-9])", acct):
            raise ApiError(400, "Invalid value for accountId: %s" % acct)
        email = sa_email(h, p, acct)
        if email in h.emu.service_accounts:
            raise ApiError(409, "Service account %s already exists within project projects/%s."
                           % (acct, p["projectId"]))
        project_policy.require(h.emu, p["projectId"], "iam.serviceAccounts.create")
        uid = str(100000000000000000000 + len(h.emu.service_accounts) + 1)
        sa = {"name": "projects/%s/serviceAccounts/%s" % (p["projectId"], email),
              "projectId": p["projectId"], "uniqueId": uid, "email": email,
              "displayName": body.get("serviceAccount", {}).get("displayName", ""),
              "etag": "MDEwMjE5MjA=", "oauth2ClientId": uid}
        if body.get("serviceAccount", {}).get("description"):
            sa["description"] = body["serviceAccount"]["description"]
        h.emu.service_accounts[email] = {"sa": sa, "policy": {"version": 1, "etag": "ACAB"}, "gen": 0}
        iam_propagation.new_service_account(h.emu, h.emu.service_accounts[email], email)
        return 200, sa


@route("GET", PROJ + r"/serviceAccounts", "list-service-accounts")
def list_sa(h, g):
    with LOCK:
        p = project(h, g["p"], "iam.googleapis.com")
        return 200, {"accounts": [r["sa"] for r in h.emu.service_accounts.values()
                                  if r["sa"]["projectId"] == p["projectId"]]}


@route("GET", PROJ + r"/serviceAccounts/(?P<sa>[^/:]+)", "get-service-account")
def get_sa(h, g):
    with LOCK:
        return 200, get_sa_rec(h, g)["sa"]


@route("DELETE", PROJ + r"/serviceAccounts/(?P<sa>[^/:]+)", "delete-service-account")
def delete_sa(h, g):
    with LOCK:
        rec = get_sa_rec(h, g)
        project_policy.require(h.emu, rec["sa"]["projectId"], "iam.serviceAccounts.delete")
        del h.emu.service_accounts[g["sa"]]
        return 200, {}


@route("POST", PROJ + r"/serviceAccounts/(?P<sa>[^/:]+):getIamPolicy", "get-sa-iam-policy")
def get_sa_policy(h, g):
    with LOCK:
        return 200, get_sa_rec(h, g)["policy"]


@route("POST", PROJ + r"/serviceAccounts/(?P<sa>[^/:]+):setIamPolicy", "set-iam-policy")
def set_sa_policy(h, g):
    body = h.json_body()
    with LOCK:
        rec = get_sa_rec(h, g)
        pid = rec["sa"]["projectId"]
        project_policy.require(h.emu, pid, "iam.serviceAccounts.setIamPolicy")
        pol = set_policy(rec, body.get("policy", {}), valid_sa_member(h.emu))
        refused = project_policy.new_members_error(h.emu, pid, rec["policy"], pol, storage=False)
        if refused:
            rec["gen"] -= 1
            raise refused
        iam_propagation.record_change(h.emu, rec, pol, "serviceAccount " + g["sa"])
        rec["policy"] = pol
        return 200, rec["policy"]


def valid_sa_member(emu):
    def check(m):
        if not re.match(r"(user|serviceAccount|group|domain|principal|principalSet):", m):
            raise ApiError(400, "Invalid principal: %s" % m)
        require_pool(emu, m)
    return check


def require_pool(emu, member):
    """A member in a project's Workload Identity pool (`serviceAccount:P.svc.id.goog[NS/KSA]`, `principal://...
    /workloadIdentityPools/P.svc.id.goog/...`) is refused until a cluster with Workload Identity made the pool
    (terraform-google-kubernetes-engine#916, google/kctf#193: IAM's 400 INVALID_ARGUMENT)."""
    found = re.search(r"(?:^serviceAccount:|/workloadIdentityPools/)([a-z0-9-]+\.svc\.id\.goog)", member)
    if found and found.group(1) not in emu.workload_pools:
        raise ApiError(400, "Identity Pool does not exist (%s). Please check that you specified a valid resource name "
                       "as returned in the `name` attribute in the configuration API." % found.group(1))


def set_policy(rec, new, check_member):
    """Shared by SA and bucket policies: optimistic concurrency on etag."""
    if new.get("etag") and new["etag"] != rec["policy"].get("etag"):
        raise ApiError(409, "There were concurrent policy changes. Please retry the whole "
                       "read-modify-write with exponential backoff.", extra={"status": "ABORTED"})
    for b in new.get("bindings", []):
        for m in b.get("members", []):
            check_member(m)
    rec["gen"] = rec.get("gen", 0) + 1
    pol = {k: v for k, v in new.items() if k != "etag"}
    pol["bindings"] = [b for b in new.get("bindings", []) if b.get("members")]
    pol["etag"] = etag_for(rec["gen"])
    pol.setdefault("version", 1)
    return pol


# --- Cloud Storage --------------------------------------------------------
@route("POST", r"/storage/v1/b", "create-bucket")
def create_bucket(h, g):
    body = h.json_body()
    name = body.get("name", "")
    with LOCK:
        p = project(h, (h.query.get("project") or [h.emu.default_project])[0], "storage.googleapis.com")
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]", name) or name.startswith("goog") \
                or "google" in name:
            raise ApiError(400, "Invalid bucket name: '%s'" % name, "invalid")
        project_policy.require(h.emu, p["projectId"], "storage.buckets.create")
        if name in h.emu.taken_bucket_names:
            raise ApiError(409, "The requested bucket name is not available. The bucket namespace "
                           "is shared by all users of the system. Please select a different name "
                           "and try again.")
        if name in h.emu.buckets:
            raise ApiError(409, "Your previous request to create the named bucket succeeded and "
                           "you already own it.")
        ubla = bool(body.get("iamConfiguration", {}).get("uniformBucketLevelAccess", {}).get("enabled"))
        refused = project_policy.storage_write_error(h.emu, p["projectId"]) or \
            project_policy.bucket_create_error(h.emu, p["projectId"], ubla)
        if refused:
            raise refused
        rec = new_bucket(h.emu, p, name, body.get("location", "US"), ubla)
        return 200, rec["bucket"]


@route("GET", r"/storage/v1/b", "list-buckets")
def list_buckets(h, g):
    with LOCK:
        p = project(h, (h.query.get("project") or [h.emu.default_project])[0], "storage.googleapis.com")
        return 200, {"kind": "storage#buckets",
                     "items": [r["bucket"] for r in h.emu.buckets.values() if r["project"] == p["projectId"]]}


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)/storageLayout", "get-bucket-storage-layout")
def get_storage_layout(h, g):
    """What `gcloud storage rm --recursive` reads first (a flat bucket: no hierarchical namespace)."""
    with LOCK:
        b = bucket_rec(h, g["b"])["bucket"]
        return 200, {"kind": "storage#storageLayout", "bucket": g["b"], "location": b["location"],
                     "locationType": b["locationType"], "hierarchicalNamespace": {"enabled": False}}


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)/managedFolders", "list-managed-folders")
def list_managed_folders(h, g):
    """`gcloud storage rm --recursive` removes managed folders too; buckets here have none."""
    with LOCK:
        bucket_rec(h, g["b"])
        return 200, {"kind": "storage#managedFolders", "items": []}


@route("DELETE", r"/storage/v1/b/(?P<b>[^/]+)", "delete-bucket")
def delete_bucket(h, g):
    with LOCK:
        rec = bucket_rec(h, g["b"], "storage.buckets.delete")
        project_policy.require(h.emu, rec["project"], "storage.buckets.delete")
        if rec["objects"]:
            raise ApiError(409, "The bucket you tried to delete is not empty.", "conflict")
        del h.emu.buckets[g["b"]]
        return 204, b""


def object_json(bucket, name, data):
    raw = data.encode("utf-8", "surrogateescape")
    quoted = quote(name, safe="")
    return {"kind": "storage#object", "id": "%s/%s/1" % (bucket, name), "name": name, "bucket": bucket,
            "selfLink": "https://www.googleapis.com/storage/v1/b/%s/o/%s" % (bucket, quoted),
            # gcloud downloads from mediaLink, with its host replaced by the storage endpoint override's.
            "mediaLink": "https://storage.googleapis.com/download/storage/v1/b/%s/o/%s?generation=1&alt=media"
                         % (bucket, quoted),
            "generation": "1", "metageneration": "1", "contentType": "text/plain",
            "size": str(len(raw)), "storageClass": "STANDARD",
            "md5Hash": base64.b64encode(hashlib.md5(raw).digest()).decode(),
            "crc32c": base64.b64encode(crc32c(raw).to_bytes(4, "big")).decode(),
            "timeCreated": "2026-01-01T00:00:00.000Z", "updated": "2026-01-01T00:00:00.000Z"}


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    """CRC32C (Castagnoli), the checksum Cloud Storage returns and gcloud checks an upload against."""
    c = 0xFFFFFFFF
    for b in data:
        c = CRC32C_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def upload_parts(h):
    """The object's name and bytes from an upload: `uploadType=media` (the body is the data, `name` in the query) or
    `multipart` (a multipart/related body: the object's JSON metadata, then the data)."""
    kind = (h.query.get("uploadType") or [""])[0]
    if kind == "media":
        return (h.query.get("name") or [""])[0], h.body
    if kind != "multipart":
        raise ApiError(400, "Upload requests must include an uploadType URL parameter and a URL path beginning with "
                            "/upload/", "wrongUrlForUpload")
    # gcloud 528 quotes the boundary in single quotes (boundary='===...=='), which Cloud Storage takes.
    ctype = h.headers.get("Content-Type") or ""
    boundary = next((p.split("=", 1)[1].strip().strip("'\"") for p in ctype.split(";")[1:]
                     if p.strip().lower().startswith("boundary=")), "")
    parts = []
    if boundary:
        for chunk in h.body.split(b"--" + boundary.encode())[1:]:
            if chunk.startswith(b"--"):
                break
            # Lines end in CRLF or, as gcloud writes them, LF; the line break before the next boundary is not data.
            head = re.match(rb"\r?\n?(?:[^\r\n]+\r?\n)*\r?\n", chunk)
            payload = chunk[head.end():] if head else b""
            parts.append(re.sub(rb"\r?\n\Z", b"", payload))
    if len(parts) != 2:
        raise ApiError(400, "Invalid multipart request with %d mime parts." % len(parts), "invalid")
    try:
        metadata = json.loads(parts[0] or b"{}")
    except ValueError:
        raise ApiError(400, "Invalid JSON payload received.")
    return metadata.get("name") or (h.query.get("name") or [""])[0], parts[1]


@route("POST", r"/upload/storage/v1/b/(?P<b>[^/]+)/o", "object-write")
def upload_object(h, g):
    """An object write as `gcloud storage cp` makes it (multipart for a small file); the data is kept as text,
    bytes that are not UTF-8 as surrogates, so it goes back out unchanged."""
    name, data = upload_parts(h)
    if not name:
        raise ApiError(400, "Required", "required")
    with LOCK:
        rec = bucket_rec(h, g["b"], "storage.objects.create")
        project_policy.require(h.emu, rec["project"], "storage.objects.create")
        refused = project_policy.storage_write_error(h.emu, rec["project"])
        if refused:
            raise refused
        rec["objects"][name] = data.decode("utf-8", "surrogateescape")
        return 200, object_json(g["b"], name, rec["objects"][name])


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)/o", "list-objects")
def list_objects(h, g):
    prefix = (h.query.get("prefix") or [""])[0]
    delimiter = (h.query.get("delimiter") or [""])[0]
    with LOCK:
        rec = bucket_rec(h, g["b"], "storage.objects.list")
        items, prefixes = [], set()
        for n, d in sorted(rec["objects"].items()):
            if not n.startswith(prefix):
                continue
            # With a delimiter, names with one after the prefix are folded into their common prefix.
            cut = n.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                prefixes.add(n[:cut + len(delimiter)])
            else:
                items.append(object_json(g["b"], n, d))
        reply = {"kind": "storage#objects", "items": items}
        if prefixes:
            reply["prefixes"] = sorted(prefixes)
        return 200, reply


@route("DELETE", r"/storage/v1/b/(?P<b>[^/]+)/o/(?P<o>.+)", "delete-object")
def delete_object(h, g):
    from urllib.parse import unquote
    with LOCK:
        rec = bucket_rec(h, g["b"], "storage.objects.delete")
        project_policy.require(h.emu, rec["project"], "storage.objects.delete")
        name = unquote(g["o"])
        if rec["objects"].pop(name, None) is None:
            raise ApiError(404, "No such object: %s/%s" % (g["b"], name), "notFound")
        return 204, b""


def new_bucket(emu, p, name, location, ubla):
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    b = {"kind": "storage#bucket", "selfLink": "https://www.googleapis.com/storage/v1/b/" + name,
         "id": name, "name": name, "projectNumber": p["projectNumber"], "metageneration": "1",
         "location": location.upper(), "storageClass": "STANDARD", "etag": "CAE=",
         "timeCreated": now, "updated": now, "locationType": "region" if "-" in location else "multi-region",
         "iamConfiguration": {"bucketPolicyOnly": {"enabled": ubla},
                              "uniformBucketLevelAccess": {"enabled": ubla},
                              "publicAccessPrevention": "inherited"}}
    n = p["projectNumber"]
    pol = {"kind": "storage#policy", "resourceId": "projects/_/buckets/" + name, "version": 1,
           "etag": "CAE=", "bindings": [
               {"role": "roles/storage.legacyBucketOwner", "members": ["projectEditor:" + p["projectId"],
                                                                        "projectOwner:" + p["projectId"]]},
               {"role": "roles/storage.legacyBucketReader", "members": ["projectViewer:" + p["projectId"]]},
               {"role": "roles/storage.legacyObjectOwner", "members": ["projectEditor:" + p["projectId"],
                                                                        "projectOwner:" + p["projectId"]]},
               {"role": "roles/storage.legacyObjectReader", "members": ["projectViewer:" + p["projectId"]]}]}
    rec = emu.buckets[name] = {"bucket": b, "policy": pol, "objects": {}, "gen": 1, "project": p["projectId"]}
    return rec


def bucket_rec(h, name, permission="storage.buckets.get"):
    """The bucket's record; a name another project owns is a 403 on every call, as Cloud Storage answers."""
    rec = h.emu.buckets.get(name)
    if not rec and name in h.emu.taken_bucket_names:
        raise ApiError(403, "%s does not have %s access to the Google Cloud Storage bucket. Permission '%s' denied on "
                            "resource (or it may not exist)." % (project_policy.CALLER, permission, permission))
    if not rec:
        raise ApiError(404, "The specified bucket does not exist.", "notFound")
    return rec


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)", "get-bucket")
def get_bucket(h, g):
    with LOCK:
        return 200, bucket_rec(h, g["b"])["bucket"]


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)/iam", "get-bucket-iam-policy")
def get_bucket_policy(h, g):
    with LOCK:
        return 200, bucket_rec(h, g["b"], "storage.buckets.getIamPolicy")["policy"]


@route("PUT", r"/storage/v1/b/(?P<b>[^/]+)/iam", "set-bucket-iam-policy")
def set_bucket_policy(h, g):
    body = h.json_body()
    with LOCK:
        rec = bucket_rec(h, g["b"], "storage.buckets.setIamPolicy")
        project_policy.require(h.emu, rec["project"], "storage.buckets.setIamPolicy")
        ubla = rec["bucket"]["iamConfiguration"]["uniformBucketLevelAccess"]["enabled"]

        def check(m):
            if m.startswith(("principal:", "principalSet:")) and not ubla:
                # What GCS says when a federated principal meets fine-grained ACLs.
                raise ApiError(400, "Principal %s is only supported on buckets with uniform "
                               "bucket-level access enabled." % m, "invalid")
            if not re.match(r"(user|serviceAccount|group|domain|principal|principalSet|allUsers"
                            r"|allAuthenticatedUsers|project(Owner|Editor|Viewer))", m):
                raise ApiError(400, "Invalid argument", "invalid")
            sa = h.emu.service_accounts.get(m.split(":", 1)[1]) if m.startswith("serviceAccount:") else None
            if sa is not None and not iam_propagation.usable(sa):
                # A service account created moments ago is not known to Cloud Storage yet.
                raise ApiError(400, "Service account %s does not exist." % m.split(":", 1)[1], "invalid")
            require_pool(h.emu, m)
        pol = set_policy(rec, body, check)
        pol["kind"], pol["resourceId"] = "storage#policy", "projects/_/buckets/" + g["b"]
        refused = project_policy.new_members_error(h.emu, rec["project"], rec["policy"], pol, storage=True)
        if refused:
            rec["gen"] -= 1
            raise refused
        iam_propagation.record_change(h.emu, rec, pol, "bucket " + g["b"])
        rec["policy"] = pol
        return 200, pol


@route("GET", r"/storage/v1/b/(?P<b>[^/]+)/o/(?P<o>.+)", "object-read")
@route("GET", r"/download/storage/v1/b/(?P<b>[^/]+)/o/(?P<o>.+)", "object-read")
def get_object(h, g):
    from urllib.parse import unquote
    with LOCK:
        rec = bucket_rec(h, g["b"])
        name = unquote(g["o"])
        if name not in rec["objects"]:
            raise ApiError(404, "No such object: %s/%s" % (g["b"], name), "notFound")
        data = rec["objects"][name]
    if (h.query.get("alt") or [""])[0] == "media":
        return 200, data.encode("utf-8", "surrogateescape"), "application/octet-stream"
    return 200, object_json(g["b"], name, data)


container.register(route, project)
control.register(route)
iam_roles.register(route)
compute_api.register(route, project)
route("POST", r"/token", "oauth-token")(oauth_token.token)
project_policy.register(route, project)
