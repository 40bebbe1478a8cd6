"""`kubectl port-forward` to a Ray pod: SPDY/3.1 tunnelled through a WebSocket, as kubectl >= 1.31 speaks it.

kubectl upgrades GET .../pods/POD/portforward to a websocket with subprotocol `SPDY/3.1+portforward.k8s.io` and then
runs a SPDY/3.1 session inside the binary messages (client-go tools/portforward, tunneling_connection.go). For each
local connection it opens two streams with headers `streamtype: error|data`, `port`, `requestid`; the server answers
each SYN_STREAM with a SYN_REPLY, copies the data stream to the pod's port, and on the end closes both streams (an
error text on the error stream when the port cannot be reached, as the kubelet does). kubectl pings every 10 s.
Plain SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false, a POST upgrade) is not served.

What listens in the pod (`PodPorts`): a head pod that is Ready serves the dashboard (8265, HTTP, with Ray's token
check when the cluster's token auth is on) and the Ray client port (10001, accepts connections); any other port is
refused as a closed port is. A tunnel ends, as a lost connection, when its pod is deleted or terminating.
`drop(emu, mode)` ends the live tunnels the way a lost connection does: `close` resets them (kubectl says "lost
connection to pod" and exits), `hang` keeps them open with nothing flowing any more.
"""
import json
import select
import socket
import socketserver
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core import LOCK, ApiError
from kube_exec import frame as ws_frame, switch_to_websocket
import authsim
import raysim

PROTOCOL = "SPDY/3.1+portforward.k8s.io"
DASHBOARD_PORT, CLIENT_PORT = 8265, 10001

# The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1): length-prefixed words, then a tail.
_WORDS = ("options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age "
          "allow authorization cache-control connection content-base content-encoding content-language content-length "
          "content-location content-md5 content-range content-type date etag expect expires from host if-match "
          "if-modified-since if-none-match if-range if-unmodified-since last-modified location max-forwards pragma "
          "proxy-authenticate proxy-authorization range referer retry-after server te trailer transfer-encoding "
          "upgrade user-agent vary via warning www-authenticate method get status").split() + [
    "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"]
_TAIL = ("100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
         "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
         "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
         "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
         "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
         "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICTIONARY = b"".join(struct.pack("!I", len(w)) + w.encode() for w in _WORDS) + _TAIL.encode()

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01

# Live tunnels, for drop(): each a Tunnel.
TUNNELS = set()
TUNNELS_LOCK = threading.Lock()


def forward(h, ns, name):
    """GET .../pods/NAME/portforward: the websocket upgrade, then the SPDY session until either side ends it."""
    w = h.world
    with LOCK:
        w.advance()
        pod = w.get("pods", ns, name)
        if not pod:
            raise ApiError(404, 'pods "%s" not found' % name, extra={"details": {"name": name, "kind": "pods"}})
        if pod.get("status", {}).get("phase") != "Running":
            raise ApiError(400, "unable to upgrade connection: pod %s is not running" % name)
    if h.command != "GET" or "websocket" not in h.headers.get("Upgrade", "").lower():
        raise ApiError(400, "the emulator serves port-forward over websocket only (kubectl >= 1.31 by default)")
    offered = [p.strip() for p in h.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    if PROTOCOL not in offered:
        raise ApiError(400, "no supported websocket subprotocol in %s" % offered)
    switch_to_websocket(h, PROTOCOL)
    tunnel = Tunnel(h.connection, PodPorts(w, ns, name))
    with TUNNELS_LOCK:
        TUNNELS.add(tunnel)
    try:
        tunnel.run()
    finally:
        with TUNNELS_LOCK:
            TUNNELS.discard(tunnel)
    return None


def drop(emu, mode="close"):
    """Ends every live tunnel as a lost connection does; returns how many there were."""
    if mode not in ("close", "hang"):
        raise ApiError(400, "mode must be close or hang")
    with TUNNELS_LOCK:
        live = list(TUNNELS)
    for tunnel in live:
        tunnel.drop(mode)
    return len(live)


class Tunnel:
    """One kubectl port-forward session. Every read and write of the TLS socket happens on the handler's thread:
    one SSL object must not be used by two threads at once."""

    def __init__(self, sock, ports):
        self.sock, self.ports = sock, ports
        self.inflate = zlib.decompressobj(zdict=DICTIONARY)
        self.deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
        self.ws_buffer, self.spdy_buffer = b"", b""
        self.streams = {}  # SPDY stream id -> {"headers", "peer": socket or None, "error": id of its error stream}
        self.errors = {}  # requestid -> error stream id
        self.mode = None  # set by drop()
        self.done = False

    def drop(self, mode):
        self.mode = mode

    # --- the loop ---------------------------------------------------
    def run(self):
        checked = time.time()
        while not self.done:
            if time.time() - checked >= 0.5:
                checked = time.time()
                if not self.ports.alive():
                    # The pod is gone or going (deleted, its RayCluster deleted): the kubelet's connection ends with it.
                    self.mode = "close"
            if self.mode == "close":
                self.abort()
                return
            if self.mode == "hang":
                # The connection stays up and nothing flows: kubectl keeps listening, requests never answer.
                readable = select.select([self.sock], [], [], 0.5)[0]
                if readable and not self.recv_some(discard=True):
                    return
                continue
            peers = [s["peer"] for s in self.streams.values() if s.get("peer") is not None]
            pending = getattr(self.sock, "pending", lambda: 0)()
            readable = [self.sock] if pending else select.select([self.sock] + peers, [], [], 0.5)[0]
            for r in readable:
                if r is self.sock:
                    if not self.recv_some():
                        self.finish()
                        return
                else:
                    self.pump(r)

    def abort(self):
        for s in self.streams.values():
            if s.get("peer") is not None:
                s["peer"].close()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def finish(self):
        for s in self.streams.values():
            if s.get("peer") is not None:
                s["peer"].close()

    def recv_some(self, discard=False):
        try:
            data = self.sock.recv(65536)
        except OSError:
            return False
        if not data:
            return False
        if discard:
            return True
        self.ws_buffer += data
        return self.ws_messages()

    # --- websocket ---------------------------------------------------
    def ws_messages(self):
        """Takes the complete frames from the buffer; the binary payloads are the SPDY byte stream."""
        buf = self.ws_buffer
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            opcode, masked, n, at = b0 & 0x0F, b1 & 0x80, b1 & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, at = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, at = struct.unpack("!Q", buf[2:10])[0], 10
            mask = b""
            if masked:
                mask, at = buf[at:at + 4], at + 4
            if len(buf) < at + n:
                break
            payload = buf[at:at + n]
            if masked:
                payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
            buf = buf[at + n:]
            if opcode in (0, 2):
                self.spdy_buffer += payload
            elif opcode == 8:
                self.send_raw(ws_frame(8, payload[:2] or struct.pack("!H", 1000)))
                self.ws_buffer = b""
                return False
            elif opcode == 9:
                self.send_raw(ws_frame(10, payload))
        self.ws_buffer = buf
        self.spdy_frames()
        return True

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            self.done = True

    def send_spdy(self, data):
        self.send_raw(ws_frame(2, data))

    # --- SPDY ----------------------------------------------------------
    def spdy_frames(self):
        buf = self.spdy_buffer
        while len(buf) >= 8:
            length = struct.unpack("!I", buf[4:8])[0] & 0xFFFFFF
            if len(buf) < 8 + length:
                break
            head, body, buf = buf[:8], buf[8:8 + length], buf[8 + length:]
            flags = head[4]
            if head[0] & 0x80:
                self.control(struct.unpack("!H", head[2:4])[0], flags, body)
            else:
                self.data(struct.unpack("!I", head[:4])[0] & 0x7FFFFFFF, flags, body)
        self.spdy_buffer = buf

    def control(self, kind, flags, body):
        if kind == SYN_STREAM:
            stream_id = struct.unpack("!I", body[:4])[0] & 0x7FFFFFFF
            headers = self.header_block(body[10:])
            self.send_control(SYN_REPLY, 0, struct.pack("!I", stream_id) + self.compressed({}))
            self.open(stream_id, headers, flags)
        elif kind == PING:
            self.send_control(PING, 0, body)
        elif kind == RST_STREAM:
            self.close_stream(struct.unpack("!I", body[:4])[0] & 0x7FFFFFFF)
        elif kind == GOAWAY:
            self.done = True
        # SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (spdystream does no flow control either).

    def header_block(self, compressed):
        raw = self.inflate.decompress(compressed)
        count, at, headers = struct.unpack("!I", raw[:4])[0], 4, {}
        for _ in range(count):
            n = struct.unpack("!I", raw[at:at + 4])[0]
            name, at = raw[at + 4:at + 4 + n].decode(), at + 4 + n
            n = struct.unpack("!I", raw[at:at + 4])[0]
            value, at = raw[at + 4:at + 4 + n].decode(), at + 4 + n
            headers[name.lower()] = value.split("\x00")[0]
        return headers

    def compressed(self, headers):
        block = struct.pack("!I", len(headers))
        for name, value in headers.items():
            block += struct.pack("!I", len(name)) + name.encode() + struct.pack("!I", len(value)) + value.encode()
        return self.deflate.compress(block) + self.deflate.flush(zlib.Z_SYNC_FLUSH)

    def send_control(self, kind, flags, body):
        self.send_spdy(struct.pack("!HHI", 0x8000 | 3, kind, (flags << 24) | len(body)) + body)

    def send_data(self, stream_id, data, fin=False):
        self.send_spdy(struct.pack("!II", stream_id, ((FLAG_FIN if fin else 0) << 24) | len(data)) + data)

    # --- the forwarded connections ---------------------------------------
    def open(self, stream_id, headers, flags):
        kind, request = headers.get("streamtype"), headers.get("requestid", "")
        stream = {"headers": headers, "peer": None, "kind": kind, "request": request}
        self.streams[stream_id] = stream
        if kind == "error":
            self.errors[request] = stream_id
            return
        if kind != "data":
            return
        try:
            port = int(headers.get("port", "0"))
        except ValueError:
            port = 0
        peer, why = self.ports.connect(port)
        if peer is None:
            self.fail(stream_id, why)
            return
        stream["peer"] = peer

    def fail(self, data_id, why):
        """The kubelet's answer when the pod's port cannot be reached: the reason on the error stream, both closed."""
        error_id = self.errors.pop(self.streams[data_id]["request"], None)
        if error_id is not None:
            self.send_data(error_id, why.encode(), fin=True)
        self.send_data(data_id, b"", fin=True)

    def data(self, stream_id, flags, body):
        stream = self.streams.get(stream_id)
        if not stream or stream.get("peer") is None:
            return
        try:
            if body:
                stream["peer"].sendall(body)
            if flags & FLAG_FIN:
                stream["peer"].shutdown(socket.SHUT_WR)
        except OSError:
            self.end(stream_id)

    def pump(self, peer):
        stream_id = next((i for i, s in self.streams.items() if s.get("peer") is peer), None)
        if stream_id is None:
            return
        try:
            chunk = peer.recv(65536)
        except OSError:
            chunk = b""
        if chunk:
            self.send_data(stream_id, chunk)
        else:
            self.end(stream_id)

    def end(self, stream_id):
        """The pod closed the connection: close the data stream and its error stream, as the kubelet does."""
        stream = self.streams.get(stream_id)
        if not stream:
            return
        if stream.get("peer") is not None:
            stream["peer"].close()
            stream["peer"] = None
            self.send_data(stream_id, b"", fin=True)
            error_id = self.errors.pop(stream["request"], None)
            if error_id is not None:
                self.send_data(error_id, b"", fin=True)

    def close_stream(self, stream_id):
        stream = self.streams.pop(stream_id, None)
        if stream and stream.get("peer") is not None:
            stream["peer"].close()


class PodPorts:
    """What listens on a pod's ports, decided from the emulator's state when a connection is made."""

    def __init__(self, w, ns, name):
        self.w, self.ns, self.name = w, ns, name

    def alive(self):
        """Whether the pod still runs: not deleted, not terminating."""
        with LOCK:
            pod = self.w.get("pods", self.ns, self.name)
            return pod is not None and not pod["metadata"].get("deletionTimestamp")

    def connect(self, port):
        """(socket, None) connected to what listens on `port` in the pod, or (None, the kubelet's error text)."""
        with LOCK:
            pod = self.w.get("pods", self.ns, self.name)
            uid = (pod or {}).get("metadata", {}).get("uid", "")
            head = pod is not None and pod["metadata"].get("labels", {}).get("ray.io/node-type") == "head"
            ready = pod is not None and raysim.pod_ready(pod)
        if head and ready and port in (DASHBOARD_PORT, CLIENT_PORT):
            address = endpoint(self.w, self.ns, self.name, port)
            return socket.create_connection(address, timeout=5), None
        return None, ("error forwarding port %d to pod %s, uid : failed to execute portforward in network namespace: "
                      "failed to connect to localhost:%d inside namespace, IPv4: dial tcp4 127.0.0.1:%d: connect: "
                      "connection refused IPv6 dial tcp6 [::1]:%d: connect: connection refused "
                      % (port, uid, port, port, port))


# --- what listens in a head pod -------------------------------------------------
ENDPOINTS = {}  # (world key, ns, pod, port) -> (host, port) of the local stand-in


def endpoint(w, ns, name, port):
    key = (w.key, ns, name, port)
    with LOCK:
        if key not in ENDPOINTS:
            if port == DASHBOARD_PORT:
                server = ThreadingHTTPServer(("127.0.0.1", 0), dashboard_handler(w, ns, name))
            else:
                server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), ClientPortHandler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            ENDPOINTS[key] = server.server_address
        return ENDPOINTS[key]


# Served without the token so the web UI can load and ask for it (Ray's dashboard sets a cookie once it has it).
PUBLIC_PATHS = ("/", "/index.html", "/favicon.ico", "/api/authentication_mode")


def dashboard_handler(w, ns, name):
    class Dashboard(BaseHTTPRequestHandler):
        """The Ray dashboard of one head pod: its web UI and a few of its API paths, behind Ray's token check."""
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            with LOCK:
                pod = w.get("pods", ns, name)
                required = authsim.cluster_token(w, pod) if pod else None
                rc = next((r for r in w.store["rayclusters"].values() if pod and
                           r["metadata"]["name"] == pod["metadata"].get("labels", {}).get("ray.io/cluster")), None)
                version = ((rc or {}).get("spec") or {}).get("rayVersion", "")
            if path == "/api/authentication_mode":
                return self.reply(200, {"authentication_mode": "token" if required else "disabled"})
            if required is not None and not (path in PUBLIC_PATHS or path.startswith("/static/")):
                given = self.token()
                if not given:
                    return self.reply(401, "Unauthorized: Missing authentication token", "text/plain")
                if given != required:
                    return self.reply(403, "Forbidden: Invalid authentication token", "text/plain")
            if path in ("/", "/index.html"):
                return self.reply(200, "<!doctype html><title>Ray Dashboard</title><div id=root></div>", "text/html")
            if path == "/api/version":
                return self.reply(200, {"version": "4", "ray_version": version, "ray_commit": "{{RAY_COMMIT_SHA}}"})
            if path == "/api/cluster_status":
                return self.reply(200, {"result": True, "msg": "Got cluster status.", "data": {}})
            return self.reply(404, "404: Not Found", "text/plain")

        def token(self):
            for header in ("Authorization", "X-Ray-Authorization"):
                value = self.headers.get(header, "")
                if value.startswith("Bearer "):
                    return value[len("Bearer "):]
            for part in self.headers.get("Cookie", "").split(";"):
                key, _, value = part.strip().partition("=")
                if key == "ray-authentication-token":
                    return value
            return None

        def reply(self, status, body, ctype="application/json"):
            data = (json.dumps(body) if ctype == "application/json" else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Dashboard


class ClientPortHandler(socketserver.BaseRequestHandler):
    """The Ray client server's port (gRPC): accepts a connection and reads until the caller hangs up."""

    def handle(self):
        try:
            while self.request.recv(65536):
                pass
        except OSError:
            pass
