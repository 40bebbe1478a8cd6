"""IAM predefined roles (`gcloud iam roles describe roles/NAME`) and what they allow.

Only the roles a KubeRay + Cloud Storage setup meets; permissions as Google lists them, trimmed to the
storage, IAM and project ones. probesim authorises the bucket probe's object calls by these permissions.
"""
from core import ApiError

_PROJECT = ["resourcemanager.projects.get", "resourcemanager.projects.list"]
_OBJECTS_ALL = ["storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.getIamPolicy",
                "storage.objects.list", "storage.objects.restore", "storage.objects.setIamPolicy", "storage.objects.update"]
ROLE_PERMISSIONS = {
    "roles/storage.objectViewer": _PROJECT + ["storage.folders.get", "storage.folders.list", "storage.managedFolders.get",
                                              "storage.managedFolders.list", "storage.objects.get", "storage.objects.list"],
    "roles/storage.objectCreator": _PROJECT + ["storage.folders.create", "storage.managedFolders.create",
                                               "storage.multipartUploads.abort", "storage.multipartUploads.create",
                                               "storage.objects.create"],
    "roles/storage.objectUser": _PROJECT + ["storage.folders.create", "storage.folders.delete", "storage.folders.get",
                                            "storage.folders.list", "storage.managedFolders.create",
                                            "storage.managedFolders.delete", "storage.managedFolders.get",
                                            "storage.managedFolders.list", "storage.multipartUploads.abort",
                                            "storage.multipartUploads.create", "storage.multipartUploads.list",
                                            "storage.multipartUploads.listParts", "storage.objects.create",
                                            "storage.objects.delete", "storage.objects.get", "storage.objects.list",
                                            "storage.objects.restore", "storage.objects.update"],
    "roles/storage.objectAdmin": _PROJECT + ["storage.folders.create", "storage.folders.delete", "storage.folders.get",
                                             "storage.folders.list", "storage.managedFolders.create",
                                             "storage.managedFolders.delete", "storage.managedFolders.get",
                                             "storage.managedFolders.list", "storage.multipartUploads.abort",
                                             "storage.multipartUploads.create", "storage.multipartUploads.list",
                                             "storage.multipartUploads.listParts"] + _OBJECTS_ALL,
    "roles/storage.admin": _PROJECT + ["storage.buckets.create", "storage.buckets.delete", "storage.buckets.get",
                                       "storage.buckets.getIamPolicy", "storage.buckets.list",
                                       "storage.buckets.setIamPolicy", "storage.buckets.update"] + _OBJECTS_ALL,
    "roles/storage.legacyBucketOwner": ["storage.buckets.get", "storage.buckets.getIamPolicy",
                                        "storage.buckets.setIamPolicy", "storage.buckets.update",
                                        "storage.objects.create", "storage.objects.delete", "storage.objects.list"],
    "roles/storage.legacyBucketReader": ["storage.buckets.get", "storage.objects.list"],
    "roles/storage.legacyObjectOwner": ["storage.objects.get", "storage.objects.getIamPolicy",
                                        "storage.objects.setIamPolicy", "storage.objects.update"],
    "roles/storage.legacyObjectReader": ["storage.objects.get"],
    "roles/iam.workloadIdentityUser": ["iam.serviceAccounts.get", "iam.serviceAccounts.getAccessToken",
                                       "iam.serviceAccounts.getOpenIdToken", "iam.serviceAccounts.list"],
}
TITLES = {"roles/storage.objectViewer": "Storage Object Viewer", "roles/storage.objectCreator": "Storage Object Creator",
          "roles/storage.objectUser": "Storage Object User", "roles/storage.objectAdmin": "Storage Object Admin",
          "roles/storage.admin": "Storage Admin", "roles/iam.workloadIdentityUser": "Workload Identity User"}


def permissions(role):
    return set(ROLE_PERMISSIONS.get(role, ()))


def register(route):
    @route("GET", r"/v1/roles/(?P<r>[^/:]+)", "get-role")
    def get_role(h, g):
        name = "roles/" + g["r"]
        if name not in ROLE_PERMISSIONS:
            raise ApiError(404, "The role named %s was not found." % name)
        return 200, {"name": name, "title": TITLES.get(name, name), "stage": "GA", "etag": "AA==",
                     "description": "Emulated predefined role.",
                     "includedPermissions": sorted(ROLE_PERMISSIONS[name])}
