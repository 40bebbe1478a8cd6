# kuberay-gcs-wizard bucket probe
# Proves the way from a pod to the bucket with the Python standard library only, so it installs nothing and works
# on nodes without internet access: its token from the GKE metadata server (asked again while the metadata server
# warms up), then a test object written, read back and deleted through the Cloud Storage JSON API; with a mount
# path, also a file written through the mount that the API reads, and an object the API wrote read through it.
# Usage:
#   python -c "$(cat bucket_probe.py)" nodes BUCKET PREFIX TEXT [MOUNT_PATH]
#     in the Ray head pod: one Ray task pinned to each alive Ray node probes PREFIX/POD.txt (with MOUNT_PATH:
#     PREFIX/POD-mount.txt and PREFIX/POD-api.txt). Prints "GROUP POD ok" or "GROUP POD failed: REASON" per node
#     (head first; failures on stderr too), then a summary such as "head ok, workers-1a2b ok"; exits 1 when any failed.
#   python -c "$(cat bucket_probe.py)" pod BUCKET OBJECT TRIES
#     in one pod (doctor, through kubectl exec): one JSON line with identity, metadata_error, token_error and the
#     write, read and delete outcomes.
# GCE_METADATA_HOST and STORAGE_EMULATOR_HOST (the names google-auth and google-cloud-storage read) point it elsewhere.
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

METADATA_SLEEP = 2  # seconds between metadata tries
NODE_TRIES = 30  # each Ray task asks the metadata server for about a minute


def probe(bucket, name, text, tries, mount=None):
    """The identity of this pod and what it can do with the bucket, as a dict (see the usage above)."""
    meta = "http://%s/computeMetadata/v1/instance/service-accounts/default/" % os.environ.get(
        "GCE_METADATA_HOST", "metadata.google.internal")
    api = os.environ.get("STORAGE_EMULATOR_HOST", "https://storage.googleapis.com")
    report = {}

    def metadata(path):
        request = urllib.request.Request(meta + path, headers={"Metadata-Flavor": "Google"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read().decode()

    def storage(method, url, token, data=None):
        request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            body = e.read().decode(errors="replace")
            try:
                body = json.loads(body)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                pass
            return e.code, body[:300]

    # The GKE metadata server of a new pod may not answer for a few seconds: ask again before saying so.
    for attempt in range(tries):
        try:
            report["identity"] = metadata("email")
            report.pop("metadata_error", None)
            break
        except urllib.error.HTTPError as e:
            report["metadata_error"] = "HTTP %d" % e.code
        except OSError as e:
            report["metadata_error"] = str(e)
        if attempt + 1 < tries:
            time.sleep(METADATA_SLEEP)
    if "identity" not in report:
        return report
    try:
        token = json.loads(metadata("token"))["access_token"]
    except urllib.error.HTTPError as e:
        report["token_error"] = "HTTP %d: %s" % (e.code, " ".join(e.read().decode(errors="replace").split())[:300])
        return report
    except (OSError, ValueError, KeyError) as e:
        report["token_error"] = str(e)[:300]
        return report

    def url(object_name, media=False):
        quoted = urllib.parse.quote(object_name, safe="")
        return "%s/storage/v1/b/%s/o/%s%s" % (api, bucket, quoted, "?alt=media" if media else "")

    def outcome(status, body, **extra):
        return dict({"status": status}, **extra) if status < 300 else {"status": status, "error": body}

    status, body = storage("POST", "%s/upload/storage/v1/b/%s/o?uploadType=media&name=%s"
                           % (api, bucket, urllib.parse.quote(name, safe="")), token, text.encode())
    report["write"] = outcome(status, body)
    if status >= 300:
        return report
    status, body = storage("GET", url(name, media=True), token)
    report["read"] = outcome(status, body, matches=body == text)
    status, body = storage("DELETE", url(name), token)
    report["delete"] = outcome(status, body)
    if mount is None:
        return report

    # Through the mount both ways: what a Ray job writes to the mount path must be in the bucket, and back.
    prefix = os.path.dirname(name)
    stem = os.path.splitext(os.path.basename(name))[0]
    via_mount, via_api = "%s/%s-mount.txt" % (prefix, stem), "%s/%s-api.txt" % (prefix, stem)
    try:
        path = os.path.join(mount, via_mount)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        report["mount_write"] = {"error": "%s: %s" % (type(e).__name__, e)}
    else:
        status, body = storage("GET", url(via_mount, media=True), token)
        report["mount_write"] = outcome(status, body, matches=body == text)
    status, body = storage("POST", "%s/upload/storage/v1/b/%s/o?uploadType=media&name=%s"
                           % (api, bucket, urllib.parse.quote(via_api, safe="")), token, text.encode())
    if status >= 300:
        report["mount_read"] = {"status": status, "error": "write through the API: " + body}
        return report
    try:
        with open(os.path.join(mount, via_api)) as f:
            report["mount_read"] = {"matches": f.read() == text}
    except OSError as e:
        report["mount_read"] = {"error": "%s: %s" % (type(e).__name__, e)}
    # Both test objects go, as the first one did; one never written (a failed mount write) answers 404.
    for obj in (via_mount, via_api):
        status, body = storage("DELETE", url(obj), token)
        if status >= 300 and status != 404:
            report["mount_delete"] = outcome(status, body)
            break
    else:
        report["mount_delete"] = {"status": 204}
    return report


def verdict(report):
    """The report of a node in one phrase: "ok" or "failed: REASON"."""
    if "metadata_error" in report:
        return "failed: the metadata server did not answer: %s" % report["metadata_error"]
    if "token_error" in report:
        return "failed: no token for %s: %s" % (report.get("identity", "?"), report["token_error"])
    for step in ("write", "read", "delete", "mount_write", "mount_read", "mount_delete"):
        result = report.get(step)
        if result is None:
            continue
        if "error" in result:
            where = {"mount_write": "written through the mount, read through the API",
                     "mount_read": "written through the API, read through the mount",
                     "mount_delete": "deleting the mount check's objects"}.get(step, step)
            code = " HTTP %d:" % result["status"] if "status" in result else ""
            return "failed: %s:%s %s" % (where, code, result["error"])
        if result.get("matches") is False:
            return "failed: %s: read back other text than written" % step
    return "ok"


def on_node(bucket, prefix, text, mount):
    # The manifest puts the ray.io/group label and name of the pod in every Ray container.
    group = os.environ.get("KUBERAY_GCS_WIZARD_GROUP", "unknown")
    pod = os.environ.get("KUBERAY_GCS_WIZARD_POD") or socket.gethostname()
    try:
        report = probe(bucket, "%s/%s.txt" % (prefix, pod), text, NODE_TRIES, mount)
    except Exception as error:  # every failure is reported per node, never raised
        return group, pod, "failed: %s: %s" % (type(error).__name__, (str(error).strip().splitlines() or [""])[0])
    return group, pod, verdict(report)


def short_name(group, pod):
    return "head" if group == "headgroup" else "%s-%s" % (group, pod.rsplit("-", 1)[-1])


def every_node(bucket, prefix, text, mount):
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    ray.init(address="auto", logging_level="ERROR", log_to_driver=False)
    task = ray.remote(num_cpus=0)(on_node)
    nodes = [node for node in ray.nodes() if node["Alive"]]
    pending = [task.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False))
               .remote(bucket, prefix, text, mount) for node in nodes]
    results = []
    for node, pending_task in zip(nodes, pending):
        try:
            results.append(ray.get(pending_task, timeout=300))
        except Exception as error:  # the task never ran there: name the node by its host, which is its pod
            reason = (str(error).strip().splitlines() or [""])[0]
            results.append(("unknown", node.get("NodeManagerHostname", node["NodeID"]),
                            "failed: %s: %s" % (type(error).__name__, reason)))
    ray.shutdown()
    results.sort(key=lambda r: (r[0] != "headgroup", r[0], r[1]))
    for group, pod, status in results:
        print("%s %s %s" % (group, pod, status))
        if status != "ok":  # also where the hint of a failed step looks
            print("%s %s %s" % (group, pod, status), file=sys.stderr)
    print(", ".join("%s %s" % (short_name(g, p), "ok" if s == "ok" else "failed") for g, p, s in results))
    return bool(results) and all(s == "ok" for _, _, s in results)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "nodes":
        sys.exit(0 if every_node(args[0], args[1], args[2], args[3] if len(args) > 3 else None) else 1)
    print(json.dumps(probe(args[0], args[1], "kuberay-gcs-wizard doctor " + args[1], int(args[2]))))
