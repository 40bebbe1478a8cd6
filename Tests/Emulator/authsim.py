"""Ray token authentication, as KubeRay and Ray do it.

KubeRay 1.5.1 and later serve RayCluster `spec.authOptions`; the "kuberay-without-auth-options" special models an
older operator (the GKE add-on's version is not ours to choose): its CRD schema lacks the field, so a strict
`kubectl apply` of a manifest with it is refused. With `authOptions: {mode: token}` the operator generates a Secret
named after the RayCluster (key `auth_token`, owned by the RayCluster, so it goes with it) and sets RAY_AUTH_MODE
and RAY_AUTH_TOKEN (secretKeyRef) on every Ray container it creates, the autoscaler sidecar's included; the
variables already in a container are kept. The manual form sets them itself from a Secret it made.

A Ray process started with RAY_AUTH_MODE=token accepts only callers that carry the same token: a worker whose
token is missing or wrong never joins, and a program run in a pod (`kubectl exec`) reaches the cluster only with
the pod's own variables, resolved here from the Secret the pod references.
"""
import base64
import copy
import secrets as random_tokens

MODE, TOKEN, KEY = "RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "auth_token"
SPECIAL_OLD_OPERATOR = "kuberay-without-auth-options"
# What Ray prints when a call without a valid token reaches a cluster with token auth on.
UNAUTHENTICATED = ("ray.exceptions.AuthenticationError: Token authentication is enabled but no authentication token "
                   "was found. Please provide an authentication token using one of these methods:\n"
                   "  1. Set the RAY_AUTH_TOKEN environment variable\n"
                   "  2. Set the RAY_AUTH_TOKEN_PATH environment variable (pointing to a token file)\n"
                   "  3. Create a token file at the default location: ~/.ray/auth_token")
INVALID = "ray.exceptions.AuthenticationError: Authentication failed: the token provided does not match the cluster's token"
DASHBOARD_401 = "401 Unauthorized: Missing or invalid authentication token"


def serves_auth_options(w):
    return SPECIAL_OLD_OPERATOR not in w.emu.specials


def crd_schema(auth_options):
    """The slice of the RayCluster v1 openAPIV3Schema the wizard reads (spec's properties)."""
    spec_props = {"rayVersion": {"type": "string"}, "enableInTreeAutoscaling": {"type": "boolean"},
                  "autoscalerOptions": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                  "headGroupSpec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                  "workerGroupSpecs": {"type": "array", "items": {"type": "object",
                                                                   "x-kubernetes-preserve-unknown-fields": True}}}
    if auth_options:
        spec_props["authOptions"] = {"type": "object", "properties": {
            "enableK8sTokenAuth": {"type": "boolean"}, "mode": {"type": "string", "enum": ["disabled", "token"]},
            "secretName": {"type": "string"}}}
    return {"openAPIV3Schema": {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
        "spec": {"type": "object", "properties": spec_props}, "status": {"type": "object",
                                                                          "x-kubernetes-preserve-unknown-fields": True}}}}


def unknown_fields(w, rc):
    """The field a strict apply refuses: spec.authOptions when the served CRD has no such field."""
    if "authOptions" in (rc.get("spec") or {}) and not serves_auth_options(w):
        return "spec.authOptions"
    return None


def token_mode(rc):
    return ((rc.get("spec") or {}).get("authOptions") or {}).get("mode") == "token"


def on_create(w, rc):
    """The operator's reconcileAuthSecret: a random token in a Secret named after the RayCluster, owned by it."""
    if not token_mode(rc):
        return
    ns, name = rc["metadata"]["namespace"], rc["metadata"]["name"]
    if w.get("secrets", ns, name):
        return
    from raysim import owner
    token = random_tokens.token_hex(32)
    w.add("secrets", ns, {"metadata": {"name": name, "ownerReferences": [owner(rc)]}, "type": "Opaque",
                          "data": {KEY: base64.b64encode(token.encode()).decode()}})


def inject(rc, containers):
    """The variables the operator adds to each container with authOptions token (kept where already set)."""
    if not token_mode(rc):
        return
    name = rc["metadata"]["name"]
    for c in containers:
        env = c.setdefault("env", [])
        names = {e.get("name") for e in env}
        if MODE not in names:
            env.append({"name": MODE, "value": "token"})
        if TOKEN not in names:
            env.append({"name": TOKEN, "valueFrom": {"secretKeyRef": {"name": name, "key": KEY}}})


def autoscaler_container(rc):
    """KubeRay's autoscaler sidecar of the head pod, with autoscalerOptions.env."""
    env = copy.deepcopy(((rc.get("spec") or {}).get("autoscalerOptions") or {}).get("env") or [])
    return {"name": "autoscaler", "image": "rayproject/ray", "command": ["/bin/bash", "-lc", "--"],
            "args": ["ray kuberay-autoscaler --cluster-name $(RAY_CLUSTER_NAME) --cluster-namespace $(RAY_CLUSTER_NAMESPACE)"],
            "env": env}


def resolve(w, ns, env, name):
    """The value the kubelet gives variable `name` of a container: literal or from a Secret; None when unset."""
    for e in env or []:
        if e.get("name") != name:
            continue
        if "value" in e:
            return e["value"]
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        if ref:
            secret = w.get("secrets", ns, ref.get("name"))
            data = (secret or {}).get("data") or {}
            if ref.get("key") in data:
                return base64.b64decode(data[ref["key"]]).decode()
            return None
    return None


def container_auth(w, pod, index=0):
    """(mode, token) of a pod's container as its processes see them."""
    c = pod["spec"]["containers"][index]
    ns = pod["metadata"]["namespace"]
    return resolve(w, ns, c.get("env"), MODE), resolve(w, ns, c.get("env"), TOKEN)


def missing_secret(w, pod):
    """The Secret a container's RAY_AUTH_TOKEN references that does not exist (the kubelet cannot start it)."""
    ns = pod["metadata"]["namespace"]
    for c in pod["spec"].get("containers", []):
        for e in c.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not w.get("secrets", ns, ref.get("name")):
                return ref.get("name")
    return None


def cluster_token(w, head):
    """The token the head's Ray requires, or None when its token auth is off."""
    mode, token = container_auth(w, head)
    return token if mode == "token" else None


def caller_error(w, head, caller):
    """Why a Ray client in `caller` (a pod's container env) is refused by the head's cluster, or None."""
    required = cluster_token(w, head)
    if required is None:
        return None
    mode, token = container_auth(w, caller)
    if not token:
        return UNAUTHENTICATED
    if token != required:
        return INVALID
    return None


def joins(w, head, worker):
    """Whether a worker's raylet joins the head's GCS: with auth on, only with the same token."""
    return caller_error(w, head, worker) is None


def ray_nodes(w, pod, rc, ready_workers):
    """(nodes, error) for a Ray program started in `pod`'s first container: its ray.init() is refused (error set)
    without the cluster's token; otherwise the nodes are the pod and the Ready workers that could join."""
    head = pod
    if rc is not None:
        from raysim import head_pod
        head = head_pod(w, rc) or pod
    error = caller_error(w, head, pod)
    if error:
        return [], error
    return [pod] + [p for p in ready_workers if joins(w, head, p)], None
