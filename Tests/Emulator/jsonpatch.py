"""RFC 6902 JSON Patch (add, remove, replace, test) for `kubectl patch --type json`."""
import copy

from core import ApiError


def _tokens(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError(422, "invalid JSON Pointer %r" % path, "Invalid")
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _parent(doc, tokens):
    for t in tokens[:-1]:
        if isinstance(doc, list):
            doc = doc[int(t)]
        elif isinstance(doc, dict) and t in doc:
            doc = doc[t]
        else:
            raise ApiError(422, "the server rejected our request due to an error in our request: "
                                "doc is missing path: /%s" % "/".join(tokens), "Invalid")
    return doc


def apply(doc, ops):
    doc = copy.deepcopy(doc)
    for op in ops:
        tokens = _tokens(op.get("path", ""))
        parent, last = _parent(doc, tokens), tokens[-1] if tokens else None
        kind = op.get("op")
        if kind in ("add", "replace"):
            if isinstance(parent, list):
                i = len(parent) if last == "-" else int(last)
                if kind == "add":
                    parent.insert(i, op["value"])
                else:
                    parent[i] = op["value"]
            else:
                if kind == "replace" and last not in parent:
                    raise ApiError(422, "replace operation does not apply: doc is missing key: %s" % op["path"], "Invalid")
                parent[last] = op["value"]
        elif kind == "remove":
            try:
                del parent[int(last) if isinstance(parent, list) else last]
            except (KeyError, IndexError):
                raise ApiError(422, "remove operation does not apply: doc is missing path: %s" % op["path"], "Invalid")
        elif kind == "test":
            if (parent[int(last)] if isinstance(parent, list) else parent.get(last)) != op.get("value"):
                raise ApiError(422, "testing value %s failed" % op["path"], "Invalid")
        else:
            raise ApiError(422, "unexpected kind: %s" % kind, "Invalid")
    return doc
