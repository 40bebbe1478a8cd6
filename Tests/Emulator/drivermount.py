"""The Cloud Storage FUSE mount as a RayJob's driver sees it on the head pod.

When the head has the bucket mounted through the CSI driver (fusesim.driver_mounts: the sidecar annotation, the
volume, the pod's identity allowed to list the bucket), the bucket's objects are copied into a private folder before
the driver starts, and the driver sees that folder at the mount path: in a private mount namespace of its own
(`unshare --user --map-root-user --mount`: a tmpfs over the path's deepest existing ancestor, the folder bound at
the path), so the machine's own folders are never touched and any program finds the path; where user namespaces
are not allowed, only the entrypoint's words that name the path are rewritten to the folder. When the driver has
exited, files created or changed there are written back as objects and files removed are deleted, as the pod's
identity (as the FUSE driver does, though gcsfuse writes at each close), each logged as `fuse-write` or
`fuse-delete`.
"""
import os
import re
import shutil
import subprocess

from core import LOCK
import fusesim
import podsim
import probesim

_NAMESPACES = []  # whether `unshare` may make a user and mount namespace here: tried once


def namespaces_allowed():
    if not _NAMESPACES:
        try:
            ok = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], timeout=10,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        _NAMESPACES.append(ok)
    return _NAMESPACES[0]


class DriverMount:
    """The head pod's bucket mounts for one driver process, materialised under `root`."""

    def __init__(self, w, pod, root):
        self.w, self.pod = w, pod
        self.mounts = []  # (path, bucket, options, folder, {relative: data at start})
        for i, (path, (bucket, options)) in enumerate(sorted(fusesim.driver_mounts(w, pod).items())):
            folder = os.path.join(root, "mount-%d" % i)
            files = fusesim.visible_objects(w.emu.buckets[bucket], options)
            for relative, data in files.items():
                target = os.path.join(folder, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data.encode("utf-8", "surrogateescape"))
            os.makedirs(folder, exist_ok=True)
            self.mounts.append((path, bucket, options, folder, files))

    def command(self, entrypoint, private):
        """The argv that runs `bash -c entrypoint` seeing the mounts. `private` folders (the driver's own) must stay
        visible, so a tmpfs never covers them."""
        if not self.mounts:
            return ["/bin/bash", "-c", entrypoint]
        plan = []
        for path, _, _, folder, _ in self.mounts:
            cover = path
            while not os.path.isdir(cover):
                cover = os.path.dirname(cover)
            hidden = cover != path and any(p == cover or p.startswith(cover.rstrip("/") + "/") for p in private)
            if cover == "/" or hidden:
                plan = None
                break
            # A tmpfs once per folder: a second one would hide the first mount made there.
            fresh = cover != path and all(cover != step[0] for step in plan)
            plan.append((cover if fresh else "", path, folder))
        if plan is None or not namespaces_allowed():
            for path, _, _, folder, _ in self.mounts:
                entrypoint = re.sub(r"(?<![\w./-])%s(?=/|$|[\s'\";|&)])" % re.escape(path.rstrip("/")),
                                    lambda _m, f=folder: f, entrypoint)
            return ["/bin/bash", "-c", entrypoint]
        # Paths travel as arguments, never inside the script.
        script = ('set -e; while [ "$#" -gt 1 ]; do if [ -n "$1" ]; then mount -t tmpfs tmpfs "$1"; fi; '
                  'mkdir -p "$2"; mount --bind "$3" "$2"; shift 3; done; exec /bin/bash -c "$1"')
        args = [a for step in plan for a in step]
        return ["unshare", "--user", "--map-root-user", "--mount", "/bin/bash", "-c", script, "driver-mount"] + \
            args + [entrypoint]

    def write_back(self):
        """Files created, changed or removed under each mount become object writes and deletes, as the pod's
        identity; a refused one is logged with Cloud Storage's status and changes nothing."""
        w, pod = self.w, self.pod
        with LOCK:
            member, _ = podsim.identity(w, pod)
            for path, bucket, options, folder, before in self.mounts:
                after = {}
                for top, _, names in os.walk(folder):
                    for name in names:
                        full = os.path.join(top, name)
                        with open(full, "rb") as f:
                            after[os.path.relpath(full, folder)] = f.read().decode("utf-8", "surrogateescape")
                rec = w.emu.buckets.get(bucket)
                granted = probesim.member_permissions(rec, member, pod["metadata"]["namespace"]) if rec and member \
                    else set()
                for relative in sorted(set(after) | set(before)):
                    if after.get(relative) == before.get(relative):
                        continue
                    name = fusesim.object_name(options, relative)
                    at = "/storage/v1/b/%s/o/%s" % (bucket, name)
                    if relative in after:
                        ok = "storage.objects.create" in granted and (
                            relative not in rec["objects"] or "storage.objects.delete" in granted)
                        if ok:
                            rec["objects"][name] = after[relative]
                        w.emu.record("pod", "PUT", at, "", 200 if ok else 403, "fuse-write")
                    else:
                        ok = "storage.objects.delete" in granted
                        if ok:
                            rec["objects"].pop(name, None)
                        w.emu.record("pod", "DELETE", at, "", 204 if ok else 403, "fuse-delete")

    def remove(self):
        for _, _, _, folder, _ in self.mounts:
            shutil.rmtree(folder, ignore_errors=True)
