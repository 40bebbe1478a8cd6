"""Answers every request with 403 at once, so the real gcloud exits 1 after parsing its arguments.

A usage error makes gcloud exit 2 before it sends anything; a command that parses sends a request and
gets this 403. Prints the port on stdout, serves on 127.0.0.1 only, and stops after --lifetime seconds.
"""
import http.server
import json
import sys
import threading


class Reject(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"error": {"code": 403, "status": "PERMISSION_DENIED",
                                     "message": "rejected by the usage-check server"}}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):
        pass


def main():
    lifetime = float(sys.argv[sys.argv.index("--lifetime") + 1]) if "--lifetime" in sys.argv else 600
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Reject)
    print(server.server_address[1], flush=True)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
