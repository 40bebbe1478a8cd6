"""A stand-in for the `ray` package, enough to run the bucket probe's `nodes` mode for real outside a Ray cluster.

FAKE_RAY_NODES (JSON) lists the alive nodes: [{"NodeID", "group", "pod"}]. A task pinned to a node runs at once in
this process with that node's KUBERAY_GCS_WIZARD_GROUP and KUBERAY_GCS_WIZARD_POD, as the manifest sets them in the
node's container; a node with "dead": true has its task fail as Ray's does when a task cannot be placed.
"""
import json
import os

_nodes = json.loads(os.environ.get("FAKE_RAY_NODES", "[]"))


class RayTaskError(Exception):
    pass


def init(**_):
    pass


def shutdown():
    pass


def nodes():
    return [{"NodeID": n["NodeID"], "Alive": True, "NodeManagerHostname": n["pod"]} for n in _nodes]


class _Ref:
    def __init__(self, value=None, error=None):
        self.value, self.error = value, error


def get(ref, timeout=None):
    if ref.error:
        raise ref.error
    return ref.value


class _Remote:
    def __init__(self, fn, strategy=None):
        self.fn, self.strategy = fn, strategy

    def options(self, scheduling_strategy=None, **_):
        return _Remote(self.fn, scheduling_strategy)

    def remote(self, *args):
        node = next(n for n in _nodes if n["NodeID"] == self.strategy.node_id)
        if node.get("dead"):
            return _Ref(error=RayTaskError("The node was dead when the task was scheduled."))
        saved = dict(os.environ)
        os.environ.update({"KUBERAY_GCS_WIZARD_GROUP": node["group"], "KUBERAY_GCS_WIZARD_POD": node["pod"]})
        try:
            return _Ref(value=self.fn(*args))
        finally:
            os.environ.clear()
            os.environ.update(saved)


def remote(**_):
    return lambda fn: _Remote(fn)
