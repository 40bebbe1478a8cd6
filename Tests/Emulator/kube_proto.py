"""Just enough Kubernetes protobuf decoding for `kubectl create namespace`
and `kubectl create serviceaccount`, which POST protobuf and do not retry as
JSON on a 415. Replies stay JSON (kubectl accepts them).

Envelope: b"k8s\\0" + runtime.Unknown{1: TypeMeta{1 apiVersion, 2 kind},
2: raw object, 3: contentEncoding, 4: contentType}. Every built-in object
has ObjectMeta as field 1.
"""


def _varint(b, i):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def fields(b):
    """Parses one message into {field_number: [value, ...]} (bytes or int)."""
    out, i = {}, 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            ln, i = _varint(b, i)
            v, i = b[i:i + ln], i + ln
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wt)
        out.setdefault(num, []).append(v)
    return out


def _s(f, n):
    return f[n][0].decode() if n in f else None


def _map(f, n):
    m = {}
    for entry in f.get(n, []):
        e = fields(entry)
        m[_s(e, 1) or ""] = _s(e, 2) or ""
    return m


def object_meta(b):
    f = fields(b)
    meta = {}
    for num, key in ((1, "name"), (2, "generateName"), (3, "namespace")):
        if _s(f, num):
            meta[key] = _s(f, num)
    if _map(f, 11):
        meta["labels"] = _map(f, 11)
    if _map(f, 12):
        meta["annotations"] = _map(f, 12)
    return meta


def decode(body):
    """Returns a JSON-like dict with apiVersion, kind and metadata."""
    if not body.startswith(b"k8s\x00"):
        raise ValueError("missing k8s protobuf magic")
    env = fields(body[4:])
    tm = fields(env[1][0]) if 1 in env else {}
    raw = fields(env[2][0]) if 2 in env else {}
    obj = {"apiVersion": _s(tm, 1) or "v1", "kind": _s(tm, 2) or ""}
    obj["metadata"] = object_meta(raw[1][0]) if 1 in raw else {}
    return obj
