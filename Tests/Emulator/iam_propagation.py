"""IAM's eventual consistency. A policy change (on a service account or a bucket) takes effect `iam_policy`
later and a new service account is usable `new_service_account` later (realistic profile, part iam_propagation);
reads of the policy (getIamPolicy) show the change at once, as the real ones do. Access decisions in pods use the
effective policy. Each change's moment of effect is logged (server "cloud", kinds iam-effective and
service-account-usable).
"""
import time

import cloudtime


def record_change(emu, rec, new_policy, resource):
    """Keeps the policy versions of `rec` with the moment each takes effect (none kept while changes are instant)."""
    delay = emu.profile.delay("iam_policy")
    if delay <= 0 and "history" not in rec:
        return
    effective_at = time.time() + delay
    old = rec["policy"]
    rec.setdefault("history", [[0.0, old]]).append([effective_at, new_policy])
    changes = diff(old, new_policy)
    cloudtime.schedule(emu, effective_at, lambda at: cloudtime.log_event(
        emu, "iam-effective", resource, "&".join("%s=%s %s" % (c["change"], c["role"], c["member"]) for c in changes),
        at=at))


def effective_policy(rec):
    """The version of rec's policy that IAM enforces now."""
    history = rec.get("history")
    if not history:
        return rec["policy"]
    now = time.time()
    current = history[0][1]
    for at, policy in history:
        if at <= now:
            current = policy
    return current


def diff(old, new):
    pairs = lambda p: {(b.get("role"), m) for b in p.get("bindings", []) for m in b.get("members", [])}
    before, after = pairs(old), pairs(new)
    return ([{"change": "add", "role": r, "member": m} for r, m in sorted(after - before)]
            + [{"change": "remove", "role": r, "member": m} for r, m in sorted(before - after)])


def new_service_account(emu, rec, email):
    delay = emu.profile.delay("new_service_account")
    if delay <= 0:
        return
    rec["usable_at"] = time.time() + delay
    cloudtime.schedule(emu, rec["usable_at"], lambda at: cloudtime.log_event(
        emu, "service-account-usable", email, at=at))


def usable(rec):
    return rec is not None and rec.get("usable_at", 0) <= time.time()


def pending(emu):
    """IAM changes not yet in effect: bindings (per resource) and new service accounts."""
    now, out = time.time(), {"bindings": [], "service_accounts": []}
    records = [("serviceAccount " + email, rec) for email, rec in emu.service_accounts.items()] + \
              [("bucket " + name, rec) for name, rec in emu.buckets.items()]
    for resource, rec in records:
        history = rec.get("history") or []
        for (at_before, before), (at, after) in zip(history, history[1:]):
            if at > now:
                for c in diff(before, after):
                    out["bindings"].append(dict(c, resource=resource, effective_at=round(at, 3),
                                                remaining_seconds=round(at - now, 3)))
    for email, rec in emu.service_accounts.items():
        if rec.get("usable_at", 0) > now:
            out["service_accounts"].append({"email": email, "usable_at": round(rec["usable_at"], 3),
                                            "remaining_seconds": round(rec["usable_at"] - now, 3)})
    return out
