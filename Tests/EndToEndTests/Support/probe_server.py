"""A local stand-in for a pod's GKE metadata server and the Cloud Storage JSON API, for running the bucket
probe (Resources/bucket_probe.py) for real. Usage: probe_server.py MODE LIFETIME [MOUNT_DIR]. Prints its port,
then serves until killed or LIFETIME seconds.

Modes: healthy, metadata-down (503 from the metadata server), token-denied (403 on the token),
write-denied (403 on the upload), no-delete (403 on the delete). With MOUNT_DIR the bucket's objects are the
files under it, as a Cloud Storage FUSE mount of the bucket there shows them.
"""
import os
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, unquote

MODE = sys.argv[1]
LIFETIME = float(sys.argv[2]) if len(sys.argv) > 2 else 120
MOUNT = sys.argv[3] if len(sys.argv) > 3 else None
IDENTITY = "my-iam-sa@demo-project.iam.gserviceaccount.com"
META = "/computeMetadata/v1/instance/service-accounts/default/"


class Objects(dict):
    """The bucket's objects: in memory, or the files under MOUNT."""

    def path(self, name):
        return os.path.join(MOUNT, name)

    def __contains__(self, name):
        return os.path.isfile(self.path(name)) if MOUNT else dict.__contains__(self, name)

    def __getitem__(self, name):
        if not MOUNT:
            return dict.__getitem__(self, name)
        with open(self.path(name), "rb") as f:
            return f.read()

    def __setitem__(self, name, data):
        if not MOUNT:
            return dict.__setitem__(self, name, data)
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), "wb") as f:
            f.write(data)

    def pop(self, name, default=None):
        if not MOUNT:
            return dict.pop(self, name, default)
        if not os.path.isfile(self.path(name)):
            return default
        os.remove(self.path(name))
        return True


objects = Objects()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def denied(self, permission):
        self.reply(403, {"error": {"code": 403, "message": "%s does not have %s access" % (IDENTITY, permission)}})

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith(META):
            if self.headers.get("Metadata-Flavor") != "Google":
                return self.reply(403, "Missing Metadata-Flavor header", "text/plain")
            if MODE == "metadata-down":
                return self.reply(503, "not ready", "text/plain")
            if url.path.endswith("/email"):
                return self.reply(200, IDENTITY, "text/plain")
            if url.path.endswith("/token"):
                if MODE == "token-denied":
                    return self.reply(403, "Permission 'iam.serviceAccounts.getAccessToken' denied", "text/plain")
                return self.reply(200, {"access_token": "probe-token", "expires_in": 3599, "token_type": "Bearer"})
        if not self.authorised():
            return
        name = unquote(url.path.split("/o/", 1)[-1])
        if url.path.startswith("/storage/v1/b/my-bucket/o/") and parse_qs(url.query).get("alt") == ["media"]:
            if name in objects:
                return self.reply(200, objects[name], "application/octet-stream")
            return self.reply(404, {"error": {"code": 404, "message": "No such object"}})
        self.reply(404, {"error": {"code": 404, "message": "not served: " + self.path}})

    def do_POST(self):
        url = urlsplit(self.path)
        if not self.authorised():
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        query = parse_qs(url.query)
        if url.path == "/upload/storage/v1/b/my-bucket/o" and query.get("uploadType") == ["media"]:
            if MODE == "write-denied":
                return self.denied("storage.objects.create")
            objects[query["name"][0]] = body
            return self.reply(200, {"name": query["name"][0], "bucket": "my-bucket"})
        self.reply(404, {"error": {"code": 404, "message": "not served: " + self.path}})

    def do_DELETE(self):
        url = urlsplit(self.path)
        if not self.authorised():
            return
        name = unquote(url.path.split("/o/", 1)[-1])
        if MODE == "no-delete":
            return self.denied("storage.objects.delete")
        if objects.pop(name, None) is None:
            return self.reply(404, {"error": {"code": 404, "message": "No such object"}})
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def authorised(self):
        if self.headers.get("Authorization") != "Bearer probe-token":
            self.reply(401, {"error": {"code": 401, "message": "no or wrong token"}})
            return False
        return True


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Timer(LIFETIME, server.shutdown).start()
server.serve_forever()
