"""What governs the project: billing, the caller's roles on it, and organisation policies.

Billing (Cloud Billing `projects/P/billingInfo`): on by default; off, enabling a billed API (container, compute)
fails with Service Usage's FAILED_PRECONDITION, GKE's creates with the API's billing error, and Cloud Storage
writes with its 403 accountDisabled. The caller (tester@example.com) is roles/owner unless `account_roles` says
otherwise; a mutating call whose permission no role of the caller grants fails with that service's 403 naming the
permission. Organisation policies are served by `org-policies describe --effective` and enforced where Cloud
Storage and IAM enforce them (uniform bucket-level access, public access prevention, allowed policy members).
"""
import fnmatch
import re
import time

from core import LOCK, ApiError, etag_for

CALLER = "tester@example.com"
BILLED_SERVICES = {"container.googleapis.com", "compute.googleapis.com"}
ROLE_PERMISSIONS = {
    "roles/owner": ["*"],
    "roles/editor": ["*"],
    "roles/viewer": ["*.get", "*.list", "resourcemanager.projects.getIamPolicy"],
    "roles/container.admin": ["container.*", "resourcemanager.projects.get"],
    "roles/container.clusterAdmin": ["container.clusters.*", "resourcemanager.projects.get"],
    "roles/iam.serviceAccountAdmin": ["iam.serviceAccounts.*", "resourcemanager.projects.get"],
    "roles/storage.admin": ["storage.*", "resourcemanager.projects.get"],
    "roles/serviceusage.serviceUsageAdmin": ["serviceusage.services.*", "resourcemanager.projects.get"],
    "roles/resourcemanager.projectIamAdmin": ["resourcemanager.projects.getIamPolicy",
                                              "resourcemanager.projects.setIamPolicy"],
}
# roles/editor may not change IAM policies of the project or of service accounts (it may on buckets: project
# editors are the buckets' legacyBucketOwner).
EDITOR_LACKS = {"resourcemanager.projects.setIamPolicy", "iam.serviceAccounts.setIamPolicy"}
BOOLEAN_CONSTRAINTS = {"storage.uniformBucketLevelAccess", "storage.publicAccessPrevention",
                       "iam.disableServiceAccountKeyCreation", "compute.requireOsLogin",
                       "iam.automaticIamGrantsForDefaultServiceAccounts"}
LIST_CONSTRAINTS = {"iam.allowedPolicyMemberDomains", "gcp.resourceLocations", "compute.vmExternalIpAccess"}
MANAGED_CONSTRAINTS = {"iam.managed.allowedPolicyMembers"}


def state(emu, pid):
    return emu.governance.setdefault(pid, {
        "billing": True, "billing_readable": True, "roles": ["roles/owner"], "iam_readable": True,
        "org_policies": {}, "org_policies_readable": True, "iam_etag": 1})


def seed(emu, spec):
    """Seed keys: billing_enabled, billing_readable, account_roles, project_iam_readable, org_policies,
    org_policies_readable (all for the default project unless spec has "project")."""
    pid = spec.get("project", emu.default_project)
    s = state(emu, pid)
    for key, field in (("billing_enabled", "billing"), ("billing_readable", "billing_readable"),
                       ("project_iam_readable", "iam_readable"), ("org_policies_readable", "org_policies_readable")):
        if key in spec:
            if not isinstance(spec[key], bool):
                raise ApiError(400, "%s: must be true or false" % key)
            s[field] = spec[key]
    if "account_roles" in spec:
        roles = spec["account_roles"]
        if not isinstance(roles, list) or not all(isinstance(r, str) and r.startswith("roles/") for r in roles):
            raise ApiError(400, "account_roles: expected a list of role names such as \"roles/viewer\"")
        s["roles"], s["iam_etag"] = list(roles), s["iam_etag"] + 1
    for constraint, policy in (spec.get("org_policies") or {}).items():
        if constraint not in BOOLEAN_CONSTRAINTS | LIST_CONSTRAINTS | MANAGED_CONSTRAINTS:
            raise ApiError(400, "org_policies.%s: unknown constraint (known: %s)" % (
                constraint, ", ".join(sorted(BOOLEAN_CONSTRAINTS | LIST_CONSTRAINTS | MANAGED_CONSTRAINTS))))
        if not isinstance(policy, dict):
            raise ApiError(400, "org_policies.%s: expected an object such as {\"enforce\": true} or "
                                "{\"allowedValues\": [...]}" % constraint)
        s["org_policies"][constraint] = dict(policy, updateTime=time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()))


def project_id_of(emu, ref):
    for p in emu.projects.values():
        if ref in (p["projectId"], p["projectNumber"]):
            return p["projectId"]
    return ref


# --- the caller's roles -------------------------------------------------------
def granted(emu, pid, permission):
    for role in state(emu, pid)["roles"]:
        if role == "roles/editor" and permission in EDITOR_LACKS:
            continue
        if any(fnmatch.fnmatchcase(permission, pattern) for pattern in ROLE_PERMISSIONS.get(role, ())):
            return True
    return False


def require(emu, pid, permission, resource=""):
    """Raises the 403 the service of `permission` answers when the caller's roles on `pid` lack it."""
    if granted(emu, pid, permission):
        return
    service = permission.split(".")[0]
    if permission == "serviceusage.services.enable":
        raise ApiError(403, "Permission denied to enable service [%s]" % resource, "AUTH_PERMISSION_DENIED")
    if service == "container":
        raise ApiError(403, "Required \"%s\" permission(s) for \"%s\"." % (permission, resource or "projects/" + pid))
    if service == "iam":
        raise ApiError(403, "Permission '%s' denied on resource (or it may not exist)." % permission,
                       "IAM_PERMISSION_DENIED")
    if service == "storage":
        where = "Google Cloud project" if permission == "storage.buckets.create" else "Google Cloud Storage bucket"
        raise ApiError(403, "%s does not have %s access to the %s. Permission '%s' denied on resource (or it may not "
                            "exist)." % (CALLER, permission, where, permission))
    raise ApiError(403, "The caller does not have permission", "IAM_PERMISSION_DENIED")


# --- billing ------------------------------------------------------------------
def billing_on(emu, pid):
    return state(emu, pid)["billing"]


def require_billing_for_services(emu, p, services):
    needing = [s for s in services if s in BILLED_SERVICES]
    if needing and not billing_on(emu, p["projectId"]):
        raise ApiError(400, "Billing account for project '%s' is not found. Billing must be enabled for activation of "
                            "service(s) '%s' to proceed." % (p["projectNumber"], ",".join(needing)),
                       "UREQ_PROJECT_BILLING_NOT_FOUND", extra={"status": "FAILED_PRECONDITION"})


def require_billing(emu, p):
    """A billed API's create while the project has no billing account."""
    if not billing_on(emu, p["projectId"]):
        raise ApiError(403, "This API method requires billing to be enabled. Please enable billing on project #%s by "
                            "visiting https://console.developers.google.com/billing/enable?project=%s then retry."
                       % (p["projectId"], p["projectId"]), "BILLING_DISABLED")


def storage_write_error(emu, pid):
    """Cloud Storage's answer to a write (bucket create, object upload) while billing is off, or None."""
    if billing_on(emu, pid):
        return None
    return ApiError(403, "The billing account for the owning project is disabled in state absent", "accountDisabled")


# --- organisation policies ----------------------------------------------------
def policy(emu, pid, constraint):
    return state(emu, pid)["org_policies"].get(constraint)


def enforced(emu, pid, constraint):
    p = policy(emu, pid, constraint)
    return bool(p and p.get("enforce"))


def effective_spec(emu, pid, constraint):
    p = policy(emu, pid, constraint)
    if constraint in LIST_CONSTRAINTS:
        if not p:
            return {"rules": [{"allowAll": True}]}
        values = {k: p[k] for k in ("allowedValues", "deniedValues") if k in p}
        rule = {"values": values} if values else {"denyAll": True} if p.get("denyAll") else {"allowAll": True}
        return {"rules": [rule], "updateTime": p["updateTime"], "etag": "CAE="}
    if constraint in MANAGED_CONSTRAINTS and p:
        params = {k: p[k] for k in ("allowedMemberSubjects", "allowedPrincipalSets") if k in p}
        return {"rules": [{"enforce": bool(p.get("enforce", True)), "parameters": params}],
                "updateTime": p["updateTime"], "etag": "CAE="}
    if not p:
        return {"rules": [{"enforce": False}]}
    return {"rules": [{"enforce": bool(p.get("enforce"))}], "updateTime": p["updateTime"], "etag": "CAE="}


def bucket_create_error(emu, pid, ubla):
    if not ubla and enforced(emu, pid, "storage.uniformBucketLevelAccess"):
        return ApiError(412, "Request violates constraint 'constraints/storage.uniformBucketLevelAccess'",
                        "conditionNotMet")
    return None


def _member_allowed(emu, pid, member):
    drs = policy(emu, pid, "iam.allowedPolicyMemberDomains")
    if drs and (drs.get("allowedValues") or drs.get("denyAll")):
        # Customer IDs restrict users, groups and domains to the organisation; workload identity federation
        # principals and the public are outside every customer.
        if member.startswith(("principal:", "principalSet:")) or member in ("allUsers", "allAuthenticatedUsers"):
            return False
        domain = member.split("@")[-1] if "@" in member else member.split(":", 1)[-1]
        if member.startswith(("user:", "group:", "domain:")) and domain != CALLER.split("@")[1]:
            return False
    managed = policy(emu, pid, "iam.managed.allowedPolicyMembers")
    if managed and managed.get("enforce", True):
        subjects = managed.get("allowedMemberSubjects") or []
        sets = [s.rstrip("/") for s in managed.get("allowedPrincipalSets") or []]
        as_principal = member.replace("principalSet://", "principal://")
        if member not in subjects and not any(as_principal.startswith(s.replace("principalSet://", "principal://") + "/")
                                              or member == s for s in sets):
            return False
    return True


def new_members_error(emu, pid, old_policy, new_policy, storage):
    """The error for members an organisation policy forbids, among those `new_policy` adds; None when allowed."""
    old = {m for b in old_policy.get("bindings", []) for m in b.get("members", [])}
    added = [m for b in new_policy.get("bindings", []) for m in b.get("members", []) if m not in old]
    if storage and enforced(emu, pid, "storage.publicAccessPrevention") and \
            any(m in ("allUsers", "allAuthenticatedUsers") for m in added):
        return ApiError(412, "The member bindings allUsers and allAuthenticatedUsers are not allowed since public "
                             "access prevention is enforced.", "conditionNotMet")
    if all(_member_allowed(emu, pid, m) for m in added):
        return None
    if storage:
        return ApiError(412, "One or more users named in the policy do not belong to a permitted customer.",
                        "conditionNotMet")
    return ApiError(400, "One or more users named in the policy do not belong to a permitted customer, perhaps due "
                         "to an organization policy.", extra={"status": "FAILED_PRECONDITION"})


# --- the APIs -----------------------------------------------------------------
def register(route, project):
    def readable(h, g, flag):
        """The project and its state, or the 403 of a read the caller may not make (seeded unreadable)."""
        p = project(h, g["p"])
        s = state(h.emu, p["projectId"])
        if not s[flag]:
            raise ApiError(403, "The caller does not have permission", "IAM_PERMISSION_DENIED")
        return p, s

    @route("GET", r"/v1/projects/(?P<p>[^/:]+)/billingInfo", "get-billing-info")
    def billing_info(h, g):
        with LOCK:
            p, s = readable(h, g, "billing_readable")
            return 200, {"name": "projects/%s/billingInfo" % p["projectId"], "projectId": p["projectId"],
                         "billingAccountName": "billingAccounts/0A1B2C-3D4E5F-6A7B8C" if s["billing"] else "",
                         "billingEnabled": s["billing"]}

    @route("POST", r"/v1/projects/(?P<p>[^/:]+):getIamPolicy", "get-project-iam-policy")
    @route("POST", r"/v3/projects/(?P<p>[^/:]+):getIamPolicy", "get-project-iam-policy")
    def project_policy(h, g):
        with LOCK:
            p, s = readable(h, g, "iam_readable")
            require(h.emu, p["projectId"], "resourcemanager.projects.getIamPolicy")
            members = {role: {"user:" + CALLER} for role in s["roles"]}
            # The Compute Engine default service account is an editor of every project (automatic grants).
            members.setdefault("roles/editor", set()).add(
                "serviceAccount:%s-compute@developer.gserviceaccount.com" % p["projectNumber"])
            return 200, {"version": 1, "etag": etag_for(s["iam_etag"]),
                         "bindings": [{"role": r, "members": sorted(m)} for r, m in sorted(members.items())]}

    @route("GET", r"/v2/projects/(?P<p>[^/:]+)/policies/(?P<c>[^/:]+):getEffectivePolicy", "get-effective-org-policy")
    def effective(h, g):
        with LOCK:
            p, _ = readable(h, g, "org_policies_readable")
            constraint = g["c"]
            if constraint not in BOOLEAN_CONSTRAINTS | LIST_CONSTRAINTS | MANAGED_CONSTRAINTS \
                    or not re.fullmatch(r"[a-zA-Z0-9.]+", constraint):
                raise ApiError(400, "Constraint constraints/%s is not supported by the emulator; known: %s."
                               % (constraint, ", ".join(sorted(BOOLEAN_CONSTRAINTS | LIST_CONSTRAINTS
                                                               | MANAGED_CONSTRAINTS))))
            return 200, {"name": "projects/%s/policies/%s" % (p["projectNumber"], constraint),
                         "spec": effective_spec(h.emu, p["projectId"], constraint)}
