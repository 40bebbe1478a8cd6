"""`kubectl exec` over WebSocket (subprotocol v5/v4.channel.k8s.io).

kubectl >= 1.30 upgrades GET .../pods/POD/exec?command=... to a websocket;
each binary message is [channel byte][data]: 1 stdout, 2 stderr, 3 a
metav1.Status that carries the exit code. SPDY is not served.
"""
import base64
import hashlib
import json
import select
import struct
import time

from core import LOCK, ApiError
import podsim
import raysim

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def switch_to_websocket(h, protocol):
    """Answers a websocket upgrade (RFC 6455) with `protocol`: the connection carries frames from now on."""
    accept = base64.b64encode(hashlib.sha1((h.headers["Sec-WebSocket-Key"] + GUID).encode()).digest()).decode()
    h.send_response(101, "Switching Protocols")
    h.send_header("Upgrade", "websocket")
    h.send_header("Connection", "Upgrade")
    h.send_header("Sec-WebSocket-Accept", accept)
    h.send_header("Sec-WebSocket-Protocol", protocol)
    h.end_headers()
    h.wfile.flush()
    h.close_connection = True
    h.streamed_status = 101


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def status_json(argv, rc):
    if rc == 0:
        return {"metadata": {}, "status": "Success"}
    return {"metadata": {}, "status": "Failure",
            "message": "command terminated with non-zero exit code: error executing command %s, exit code %d"
                       % (json.dumps(argv), rc),
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": str(rc)}]}}


def exec_pod(h, ns, name):
    w = h.world
    argv = h.query.get("command", [])
    with LOCK:
        w.advance()
        pod = w.get("pods", ns, name)
        if not pod:
            raise ApiError(404, 'pods "%s" not found' % name, extra={"details": {"name": name, "kind": "pods"}})
        if not pod["spec"].get("nodeName"):
            raise ApiError(400, "pod %s does not have a host assigned" % name)
        if not raysim.pod_ready(pod):
            raise ApiError(400, "unable to upgrade connection: container not found (\"%s\")"
                           % pod["spec"]["containers"][0].get("name", ""))
    if "websocket" not in h.headers.get("Upgrade", "").lower():
        raise ApiError(400, "the emulator serves exec over websocket only (kubectl >= 1.30)")
    offered = [p.strip() for p in h.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    proto = next((p for p in offered if p in ("v5.channel.k8s.io", "v4.channel.k8s.io")), None)
    if not proto:
        raise ApiError(400, "no supported websocket subprotocol in %s" % offered)
    with LOCK:
        result = podsim.run(w, pod, argv)
    out, err, rc = result[:3]
    if len(result) > 3 and result[3] > 0:
        time.sleep(result[3])  # the program's own waits (timeouts, retries), scaled; never under the lock
    switch_to_websocket(h, proto)
    if out:
        h.wfile.write(frame(2, b"\x01" + out.encode()))
    if err:
        h.wfile.write(frame(2, b"\x02" + err.encode()))
    h.wfile.write(frame(2, b"\x03" + json.dumps(status_json(argv, rc)).encode()))
    h.wfile.write(frame(8, struct.pack("!H", 1000)))
    h.wfile.flush()
    # Give the client a moment to send its own close frame before we hang up.
    try:
        select.select([h.connection], [], [], 1.0)
    except (OSError, ValueError):
        pass
    return None
