"""A local stand-in for a pod's GKE metadata server and the Cloud Storage JSON API, for running doctor's
in-pod probe (Resources/doctor_probe.py) for real. Prints its port, then serves until killed or --lifetime.

Modes: healthy, metadata-down (503 from the metadata server), token-denied (403 on the token),
write-denied (403 on the upload), no-delete (403 on the delete).
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, unquote

MODE = sys.argv[1]
LIFETIME = float(sys.argv[2]) if len(sys.argv) > 2 else 120
IDENTITY = "my-iam-sa@demo-project.iam.gserviceaccount.com"
META = "/computeMetadata/v1/instance/service-accounts/default/"
objects = {}


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
