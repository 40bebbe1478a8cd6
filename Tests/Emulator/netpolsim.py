"""NetworkPolicy (networking.k8s.io/v1) as the API server takes it: strict decoding of its fields and types, then
the validation of pkg/apis/networking/validation for what a policy says (policy types, peers, ports, selectors).

The emulator has no pod network, so traffic is filtered where the model makes a connection on its own: the KubeRay
operator's calls to a head's dashboard (jobsim) and a RayJob submitter's. `admits` decides one such connection as
the cluster's dataplane does when it enforces policies (Dataplane V2, always on Autopilot, or Calico's
networkPolicy.enabled): a pod no Ingress policy selects takes everything; a selected pod takes a connection only
when some rule of some policy selecting it names the source (peer) and the port. An unenforcing cluster stores
policies and filters nothing."""
import re

from core import ApiError

SELECTOR = {"matchLabels": "labels", "matchExpressions": [{"key": "string", "operator": "string", "values": ["string"]}]}
PEER = {"podSelector": SELECTOR, "namespaceSelector": SELECTOR, "ipBlock": {"cidr": "string", "except": ["string"]}}
PORT = {"protocol": "string", "port": "int-or-string", "endPort": "int32"}
SPEC = {"podSelector": SELECTOR, "policyTypes": ["string"],
        "ingress": [{"from": [PEER], "ports": [PORT]}], "egress": [{"to": [PEER], "ports": [PORT]}]}
# Go struct names, as json's "cannot unmarshal" error names the field's struct.
STRUCTS = {"spec": "NetworkPolicySpec", "podSelector": "LabelSelector", "namespaceSelector": "LabelSelector",
           "ingress": "NetworkPolicyIngressRule", "egress": "NetworkPolicyEgressRule", "from": "NetworkPolicyPeer",
           "to": "NetworkPolicyPeer", "ports": "NetworkPolicyPort", "ipBlock": "IPBlock",
           "matchExpressions": "LabelSelectorRequirement"}

LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                   "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
NAME_PART = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
NAME_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def go_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "value")


def decode_error(message):
    return ApiError(400, 'NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: ' + message, "BadRequest")


def decode(value, shape, path, struct, strict):
    """Walks `value` against `shape`: a wrong type is json's unmarshal error; an unknown field, with strict
    field validation, a strict decoding error (kubectl asks for Strict)."""
    dotted = re.sub(r"\[\d+\]", "", path)

    def wrong(kind):
        return decode_error("json: cannot unmarshal %s into Go struct field %s.%s of type %s"
                            % (go_type(value), struct, dotted, kind))
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise wrong("[]" + (shape[0] if isinstance(shape[0], str) else "v1." + STRUCTS.get(path.split(".")[-1], "Object")))
        for i, item in enumerate(value):
            decode(item, shape[0], "%s[%d]" % (path, i), struct, strict)
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            raise wrong("v1." + STRUCTS.get(dotted.split(".")[-1], "Object"))
        inner = STRUCTS.get(re.sub(r"\[\d+\]$", "", path).split(".")[-1], struct)
        for key, child in value.items():
            if key not in shape:
                if strict:
                    raise decode_error('strict decoding error: unknown field "%s.%s"' % (path, key))
                continue
            decode(child, shape[key], "%s.%s" % (path, key), inner, strict)
    elif shape == "labels":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise wrong("map[string]string")
    elif shape == "string" and not isinstance(value, str):
        raise wrong("string")
    elif shape == "int32" and (isinstance(value, bool) or not isinstance(value, int)):
        raise wrong("int32")
    elif shape == "int-or-string" and (isinstance(value, bool) or not isinstance(value, (int, str))):
        raise decode_error("json: cannot unmarshal %s into Go struct field %s.%s of type intstr.IntOrString"
                           % (go_type(value), struct, dotted))


def label_key_problems(key, path):
    prefix, _, name = key.rpartition("/")
    problems = []
    if not name or len(name) > 63 or not NAME_PART.fullmatch(name):
        problems.append((path, "Invalid value: %s: %s" % (quote(key), "name part must be no more than 63 characters"
                                                          if len(name) > 63 else NAME_MSG)))
    if "/" in key and (not prefix or not DNS_SUBDOMAIN.fullmatch(prefix)):
        problems.append((path, "Invalid value: %s: prefix part %s" % (quote(key), DNS_SUBDOMAIN_MSG)))
    return problems


def quote(value):
    return '"%s"' % value if isinstance(value, str) else str(value)


def selector_problems(sel, path):
    problems = []
    for key, value in (sel.get("matchLabels") or {}).items():
        problems += label_key_problems(key, path + ".matchLabels")
        if len(value) > 63 or not LABEL_VALUE.fullmatch(value):
            problems.append((path + ".matchLabels", "Invalid value: %s: %s" % (
                quote(value), "must be no more than 63 characters" if len(value) > 63 else LABEL_VALUE_MSG)))
    for i, expr in enumerate(sel.get("matchExpressions") or []):
        at = "%s.matchExpressions[%d]" % (path, i)
        op, values = expr.get("operator", ""), expr.get("values") or []
        if op in ("In", "NotIn") and not values:
            problems.append((at + ".values", "Required value: must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist") and values:
            problems.append((at + ".values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        elif op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            problems.append((at + ".operator", "Invalid value: %s: not a valid selector operator" % quote(op)))
        problems += label_key_problems(expr.get("key", ""), at + ".key")
    return problems


def port_problems(port, path):
    problems = []
    protocol = port.get("protocol", "TCP")
    if protocol not in ("TCP", "UDP", "SCTP"):
        problems.append((path + ".protocol", 'Unsupported value: %s: supported values: "SCTP", "TCP", "UDP"' % quote(protocol)))
    number = port.get("port")
    if isinstance(number, int) and not 1 <= number <= 65535:
        problems.append((path + ".port", "Invalid value: %d: must be between 1 and 65535, inclusive" % number))
    elif isinstance(number, str):
        if len(number) > 15:
            problems.append((path + ".port", "Invalid value: %s: must be no more than 15 characters" % quote(number)))
        elif not re.fullmatch(r"[-a-z0-9]+", number):
            problems.append((path + ".port", "Invalid value: %s: must contain only alpha-numeric characters (a-z, 0-9), "
                                             "and hyphens (-)" % quote(number)))
        elif not re.search(r"[a-z]", number):
            problems.append((path + ".port", "Invalid value: %s: must contain at least one letter (a-z)" % quote(number)))
    if "endPort" in port:
        if not isinstance(number, int):
            problems.append((path + ".endPort", "Invalid value: %d: may not be specified when `port` is non-numeric"
                             % port["endPort"]))
        elif port["endPort"] < number:
            problems.append((path + ".endPort", "Invalid value: %d: must be greater than or equal to `port`" % port["endPort"]))
    return problems


def peer_problems(peer, path):
    selectors = [k for k in ("podSelector", "namespaceSelector") if k in peer]
    if not selectors and "ipBlock" not in peer:
        return [(path, "Required value: must specify a peer")]
    if selectors and "ipBlock" in peer:
        return [(path, "Forbidden: may not specify both ipBlock and another peer")]
    problems = []
    for key in selectors:
        problems += selector_problems(peer[key], "%s.%s" % (path, key))
    if "ipBlock" in peer and not peer["ipBlock"].get("cidr"):
        problems.append((path + ".ipBlock.cidr", "Required value"))
    return problems


def validate(obj, strict=True):
    """Refuses what the API server refuses, with its texts: a 400 decoding error, or a 422 listing each cause."""
    name = (obj.get("metadata") or {}).get("name", "")
    decode(obj.get("spec") or {}, SPEC, "spec", "NetworkPolicy", strict)
    spec = obj.get("spec") or {}
    problems = []
    if name and (len(name) > 253 or not DNS_SUBDOMAIN.fullmatch(name)):
        problems.append(("metadata.name", "Invalid value: %s: %s" % (quote(name), DNS_SUBDOMAIN_MSG)))
    problems += selector_problems(spec.get("podSelector") or {}, "spec.podSelector")
    for i, kind in enumerate(spec.get("policyTypes") or []):
        if kind not in ("Ingress", "Egress"):
            problems.append(("spec.policyTypes[%d]" % i, 'Unsupported value: %s: supported values: "Egress", "Ingress"'
                             % quote(kind)))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            for j, port in enumerate(rule.get("ports") or []):
                problems += port_problems(port, "spec.%s[%d].ports[%d]" % (direction, i, j))
            for j, peer in enumerate(rule.get(peers) or []):
                problems += peer_problems(peer, "spec.%s[%d].%s[%d]" % (direction, i, peers, j))
    if not problems:
        return
    texts = ["%s: %s" % p for p in problems]
    message = 'NetworkPolicy.networking.k8s.io "%s" is invalid: %s' % (
        name, texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]")
    causes = [{"reason": cause_reason(m), "message": m, "field": f} for f, m in problems]
    raise ApiError(422, message, "Invalid", extra={"details": {"name": name, "group": "networking.k8s.io",
                                                               "kind": "NetworkPolicy", "causes": causes}})


def cause_reason(message):
    for prefix, reason in (("Unsupported value", "FieldValueNotSupported"), ("Required value", "FieldValueRequired"),
                           ("Forbidden", "FieldValueForbidden")):
        if message.startswith(prefix):
            return reason
    return "FieldValueInvalid"


def enforced(w):
    """Whether the cluster's dataplane enforces NetworkPolicies."""
    c = w.cluster()
    return ((c.get("networkConfig") or {}).get("datapathProvider") == "ADVANCED_DATAPATH"
            or bool((c.get("networkPolicy") or {}).get("enabled")) or bool((c.get("autopilot") or {}).get("enabled")))


def selects(selector, labels):
    """A LabelSelector against labels: matchLabels all equal, each matchExpression holds; {} selects all."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def namespace_labels(w, ns):
    stored = w.get("namespaces", None, ns)
    labels = dict(((stored or {}).get("metadata") or {}).get("labels") or {})
    labels["kubernetes.io/metadata.name"] = ns
    return labels


def peer_matches(w, peer, policy_ns, source_ns, source_labels):
    if "ipBlock" in peer:
        return False  # pod-to-pod traffic here; an ipBlock names addresses outside the pod network
    if "namespaceSelector" in peer:
        if not selects(peer["namespaceSelector"], namespace_labels(w, source_ns)):
            return False
    elif source_ns != policy_ns:
        return False  # a podSelector alone means pods of the policy's own namespace
    return "podSelector" not in peer or selects(peer["podSelector"], source_labels)


def port_matches(rule, pod, port):
    ports = rule.get("ports") or []
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != "TCP":
            continue
        want = p.get("port")
        if want is None:
            return True
        if isinstance(want, str):  # a named port: the pod's container port of that name
            want = next((c.get("containerPort") for ct in (pod.get("spec") or {}).get("containers") or []
                         for c in ct.get("ports") or [] if c.get("name") == want), None)
        if want is not None and (want == port or (p.get("endPort") and want <= port <= p["endPort"])):
            return True
    return False


def ingress_policies(w, pod):
    ns, labels = pod["metadata"]["namespace"], (pod["metadata"].get("labels") or {})
    out = []
    for key, policy in w.store["networkpolicies"].items():
        if not key.startswith(ns + "/"):
            continue
        spec = policy.get("spec") or {}
        types = spec.get("policyTypes") or ["Ingress"]
        if "Ingress" in types and selects(spec.get("podSelector"), labels):
            out.append(policy)
    return out


def admits(w, pod, source_ns, source_labels, port):
    """Whether a TCP connection from a pod in `source_ns` with `source_labels` to `pod`'s `port` gets through."""
    if not enforced(w):
        return True
    policies = ingress_policies(w, pod)
    if not policies:
        return True
    for policy in policies:
        for rule in (policy.get("spec") or {}).get("ingress") or []:
            peers = rule.get("from") or []
            if (not peers or any(peer_matches(w, peer, policy["metadata"]["namespace"], source_ns, source_labels)
                                 for peer in peers)) and port_matches(rule, pod, port):
                return True
    return False
