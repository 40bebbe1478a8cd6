"""What KubeRay v1.7.0 does with a RayJob (K8sJobMode), and Ray's Jobs API behind it.

A RayJob targets the RayCluster its `clusterSelector` names (`ray.io/cluster: NAME`) or makes its own cluster
`NAME-xxxxx` from `rayClusterSpec` (deleted after the job when `shutdownAfterJobFinishes`). Once the cluster's head
is Ready the operator creates the submitter, a Kubernetes Job's pod `NAME-xxxxx` from `submitterPodTemplate` (the
namespace's `default` KSA when the template names none), running KubeRay's script: `ray job submit --no-wait` to the
head's dashboard (refused with the Jobs API's 401 without the cluster's token), then `ray job logs --follow`.

The entrypoint is Ray's job driver: Ray's JobSupervisor runs it on the head node, so here it runs as a real local
process (`bash -c ENTRYPOINT`, as Ray runs it through a shell; `python` is this Python) acting as the head pod: its
metadata server and Cloud Storage are a listener of its own that answers with the pod's Workload Identity
(podsim.identity) and the bucket's effective policy (probesim.storage_call). The process reaches it by the real names
(http_proxy for metadata.google.internal, https_proxy CONNECT to storage.googleapis.com in TLS with a certificate of
that name its SSL_CERT_FILE trusts) or by GCE_METADATA_HOST and STORAGE_EMULATOR_HOST, the variables Google's client
libraries read. Its output is what `ray job logs --follow` prints in the submitter's log.

Status, as the operator writes it: jobDeploymentStatus Initializing -> Running -> Complete | Failed; jobStatus ""
-> PENDING -> RUNNING -> SUCCEEDED | FAILED; a failed job has reason AppFailed and Ray's message, a refused
submission reason SubmissionFailed. With the realistic profile each change is seen one operator requeue (3 s)
later and the driver starts after Ray's job start-up.

The operator learns the Ray job's status only by asking the head's dashboard (GetJobInfo, GET /api/jobs/ID on
8265) from where it runs: the namespace and pod labels `operator_peer` gives (the add-on's `gke-managed-system`,
Helm's release namespace `default`, or what POST /__control/operator set). A NetworkPolicy the cluster enforces
that does not admit it drops the connection (netpolsim.admits): the reconcile logs "Failed to get job info" and
requeues, recording nothing, so the RayJob stays Running with jobStatus "" (JobStatusNew) and no message or Event,
while the Ray job itself runs and the submitter, which submits from the job's namespace, finishes. The emulator's
log has a `operator-get-job-info` entry each time a RayJob's polls start or stop getting through: status 0 (no
answer: dropped) or 200; once the policy admits the operator, its next poll records the status.
"""
import copy
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from core import LOCK, ApiError, self_signed_tls
import authsim
import drivermount
import netpolsim
import podsim
import probesim
import raysim

SUBMITTER = "ray-job-submitter"
DASHBOARD_PORT = 8265
# The label the kuberay-operator Helm chart puts on the operator's pods.
OPERATOR_LABELS = {"app.kubernetes.io/name": "kuberay-operator"}
METADATA = "/computeMetadata/v1/instance/service-accounts/default/"


def crd():
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "rayjobs.ray.io"},
            "spec": {"group": "ray.io", "scope": "Namespaced",
                     "versions": [{"name": "v1", "served": True, "storage": True}],
                     "names": {"kind": "RayJob", "listKind": "RayJobList", "plural": "rayjobs", "singular": "rayjob",
                               "categories": ["all"]}},
            "status": {"conditions": [{"type": "Established", "status": "True"}], "storedVersions": ["v1"]}}


def validate(job):
    spec = job.get("spec") or {}
    name = job["metadata"]["name"]
    if not spec.get("clusterSelector") and not spec.get("rayClusterSpec"):
        raise ApiError(422, 'RayJob.ray.io "%s" is invalid: spec: Invalid value: "object": one of clusterSelector or '
                            'rayClusterSpec must be set' % name, "Invalid")
    if len(name) > 47:
        raise ApiError(422, 'RayJob.ray.io "%s" is invalid: metadata.name: Invalid value: "%s": must be no more than '
                            '47 characters' % (name, name), "Invalid")


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def later(w, rt):
    """When the operator sees the next change: at its next requeue with the realistic profile, else at once."""
    rt["at"] = time.time() + w.emu.profile.delay("rayjob_requeue")


def on_create(w, job):
    spec, meta = job["spec"], job["metadata"]
    selector = spec.get("clusterSelector") or {}
    cluster = selector.get("ray.io/cluster") or "%s-%s" % (meta["name"], raysim.suffix())
    job["status"] = {"jobDeploymentStatus": "Initializing", "jobId": "%s-%s" % (meta["name"], raysim.suffix()),
                     "rayClusterName": cluster, "startTime": now_iso(), "observedGeneration": 1}
    rt = {"stage": "initializing", "at": 0.0, "own": not selector}
    w.ray_jobs[meta["uid"]] = rt
    if rt["own"]:
        rc = w.add("rayclusters", meta["namespace"], {
            "metadata": {"name": cluster, "labels": {"ray.io/originated-from-crd": "RayJob",
                                                     "ray.io/originated-from-cr-name": meta["name"]},
                         "ownerReferences": [{"apiVersion": "ray.io/v1", "kind": "RayJob", "name": meta["name"],
                                              "uid": meta["uid"], "controller": True}]},
            "spec": copy.deepcopy(spec["rayClusterSpec"])})
        raysim.on_create(w, rc)
    later(w, rt)


def operator_peer(w):
    """Where the KubeRay operator's calls come from: what the control API set for the cluster or for every cluster,
    else the add-on's namespace on a cluster with the Ray add-on and Helm's (the kube context's, `default`) on any
    other."""
    if w.operator or w.emu.operator:
        return w.operator or w.emu.operator
    ray_addon = ((w.cluster().get("addonsConfig") or {}).get("rayOperatorConfig") or {}).get("enabled")
    return {"namespace": "gke-managed-system" if ray_addon else "default", "labels": dict(OPERATOR_LABELS)}


def cluster_of(w, job):
    return w.get("rayclusters", job["metadata"]["namespace"], job["status"].get("rayClusterName"))


def reconcile(w):
    for job in list(w.store["rayjobs"].values()):
        rt = w.ray_jobs.get(job["metadata"]["uid"])
        if rt and time.time() >= rt["at"]:
            step(w, job, rt)


def step(w, job, rt):
    status, stage = job["status"], rt["stage"]
    if stage == "initializing":
        rc = cluster_of(w, job)
        head = raysim.head_pod(w, rc) if rc else None
        if head and raysim.pod_ready(head):
            status["dashboardURL"] = "%s-head-svc.%s.svc.cluster.local:%d" % (
                rc["metadata"]["name"], rc["metadata"]["namespace"], DASHBOARD_PORT)
            status["rayClusterStatus"] = copy.deepcopy(rc.get("status") or {})
            status["jobDeploymentStatus"] = "Running"
            rt["stage"] = "submitter"
            w.touch(job)
    if rt["stage"] == "submitter":
        if create_submitter(w, job, rt):
            rt["stage"] = "submitting"
    elif stage == "submitting":
        pod = w.get("pods", job["metadata"]["namespace"], rt["pod"])
        if pod and raysim.pod_ready(pod):
            submit(w, job, rt, pod)
    elif stage == "pending" and time.time() >= rt["start_at"] and w.get("pods", job["metadata"]["namespace"], rt["head"]) is None:
        pass  # The head that took the job is gone, and the job with it (Ray keeps jobs in the head's GCS): it never starts.
    elif stage == "pending" and time.time() >= rt["start_at"]:
        start_driver(w, job, rt)
        rt["ray"] = {"jobStatus": "RUNNING"}
        rt["stage"] = "running"
        later(w, rt)
    elif stage == "running" and rt.get("exit") is not None:
        finish(w, job, rt)
    elif stage == "shutdown":
        # ttlSecondsAfterFinished has passed: the operator deletes the cluster it made.
        rc = w.store["rayclusters"].pop(w.k(job["metadata"]["namespace"], job["status"]["rayClusterName"]), None)
        if rc:
            raysim.on_delete(w, rc)
        rt["stage"] = "done"
    if rt["stage"] in ("pending", "running", "ended"):
        poll(w, job, rt)


def poll(w, job, rt):
    """The operator's GetJobInfo: from its namespace to the head's dashboard. Dropped by a policy, nothing is
    recorded and the RayJob is requeued; answered, Ray's status is recorded, and a finished job with a finished
    submitter ends the RayJob."""
    ns, status = job["metadata"]["namespace"], job["status"]
    head = w.get("pods", ns, rt.get("head"))
    path = "/api/jobs/%s" % status.get("jobId")
    peer = operator_peer(w)
    reached = bool(head) and netpolsim.admits(w, head, peer["namespace"], peer.get("labels") or {}, DASHBOARD_PORT)
    if rt.get("reached") != reached:
        rt["reached"] = reached
        w.emu.record("dashboard", "GET", path, "from=" + peer["namespace"], 200 if reached else 0, "operator-get-job-info")
    if not reached:
        later(w, rt)
        return
    ray = rt["ray"]
    if rt["stage"] == "ended":
        status.update(ray)
        status["endTime"] = now_iso()
        rt["stage"] = "done"
        w.touch(job)
        if rt["own"] and job["spec"].get("shutdownAfterJobFinishes"):
            ttl = float(job["spec"].get("ttlSecondsAfterFinished") or 0)
            rt["stage"], rt["at"] = "shutdown", time.time() + ttl * w.emu.profile.time_scale
        return
    if status.get("jobStatus") != ray["jobStatus"]:
        status["jobStatus"] = ray["jobStatus"]
        w.touch(job)
    later(w, rt)


def submitter_command(job):
    """KubeRay's K8sJobMode script: wait for the dashboard, submit once (`--no-wait`), follow the logs."""
    address = "http://" + job["status"]["dashboardURL"]
    job_id = job["status"]["jobId"]
    health = ("python3 -c \"import urllib.request; urllib.request.urlopen('%s/api/gcs_healthz', timeout=5)\""
              % address)
    return ("until %s >/dev/null 2>&1 ; do echo \"Waiting for Ray Dashboard GCS to become healthy at %s ...\" ; "
            "sleep 2 ; done ; if ! ray job status --address %s %s >/dev/null 2>&1 ; then ray job submit --address %s "
            "--no-wait --submission-id %s -- %s ; fi ; ray job logs --address %s --follow %s"
            % (health, address, address, job_id, address, job_id, job["spec"].get("entrypoint", "").strip(),
               address, job_id))


def create_submitter(w, job, rt):
    """The Job controller's pod for the submitter Job `NAME`; False (and an Event on the Job) when the API server
    refuses it, as for a missing KSA; the Job controller tries again."""
    meta, ns = job["metadata"], job["metadata"]["namespace"]
    template = copy.deepcopy(job["spec"].get("submitterPodTemplate") or {})
    spec = template.get("spec") or {}
    if not spec.get("containers"):
        head = ((job["spec"].get("rayClusterSpec") or {}).get("headGroupSpec") or {}).get("template", {})
        image = ((head.get("spec") or {}).get("containers") or [{}])[0].get("image", "rayproject/ray")
        spec["containers"] = [{"name": SUBMITTER, "image": image}]
    spec.setdefault("restartPolicy", "Never")
    spec["serviceAccountName"] = spec.get("serviceAccountName") or "default"
    rc = cluster_of(w, job)
    if rc:
        # With authOptions the operator sets the cluster's token on the submitter as on the Ray containers.
        authsim.inject(rc, spec["containers"])
    container = spec["containers"][0]
    if not container.get("command"):
        container["command"], container["args"] = ["/bin/bash", "-ce", "--"], [submitter_command(job)]
    name = "%s-%s" % (meta["name"], raysim.suffix())
    why = raysim.admission_error(w, ns, name, spec)
    if why:
        if rt.get("refused") != why:
            rt["refused"] = why
            w.add("events", ns, {"metadata": {"name": "%s.%x" % (meta["name"], int(time.time() * 1e6))},
                                 "type": "Warning", "reason": "FailedCreate", "message": "Error creating: " + why,
                                 "involvedObject": {"kind": "Job", "name": meta["name"], "namespace": ns,
                                                    "apiVersion": "batch/v1"}})
        return False
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels.update({"batch.kubernetes.io/job-name": meta["name"], "job-name": meta["name"],
                   "batch.kubernetes.io/controller-uid": meta["uid"], "controller-uid": meta["uid"]})
    pod = w.add("pods", ns, {"metadata": {"name": name, "labels": labels,
                                          "annotations": dict((template.get("metadata") or {}).get("annotations") or {}),
                                          "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job",
                                                               "name": meta["name"], "uid": meta["uid"],
                                                               "controller": True}]},
                             "spec": spec})
    w.pod_rt["%s/%s" % (ns, name)] = {"created": time.time(), "schedulable": False}
    raysim.schedule(w, pod)
    rt["pod"] = name
    w.pod_logs["%s/%s" % (ns, name)] = {"lines": [], "done": False}
    return True


def log(w, pod_key, text):
    entry = w.pod_logs.get(pod_key)
    if entry is not None:
        entry["lines"].extend(text.splitlines())


def submit(w, job, rt, pod):
    """`ray job submit --no-wait` in the submitter: refused without the cluster's token, else the job is PENDING."""
    ns, key = job["metadata"]["namespace"], "%s/%s" % (job["metadata"]["namespace"], rt["pod"])
    rc = cluster_of(w, job)
    head = raysim.head_pod(w, rc) if rc else None
    address, job_id = "http://" + job["status"]["dashboardURL"], job["status"]["jobId"]
    if head and not netpolsim.admits(w, head, ns, pod["metadata"].get("labels") or {}, DASHBOARD_PORT):
        # KubeRay's script waits for the dashboard until it answers.
        if not rt.get("unreachable"):
            rt["unreachable"] = True
            log(w, key, "Waiting for Ray Dashboard GCS to become healthy at %s ..." % address)
        later(w, rt)
        return
    refused = authsim.caller_error(w, head, pod) if head else "the Ray cluster is gone"
    log(w, key, "Job submission server address: %s" % address)
    if refused:
        log(w, key, "Traceback (most recent call last):\n  File \"/usr/local/bin/ray\", line 8, in <module>\n"
                    "RuntimeError: Request failed with status code 401: %s" % authsim.DASHBOARD_401)
        end_submitter(w, key, pod, 1)
        job["status"].update({"jobDeploymentStatus": "Failed", "reason": "SubmissionFailed", "endTime": now_iso(),
                              "failed": 1, "message": "Job submission has failed. Reason: BackoffLimitExceeded. "
                                                      "Message: Job has reached the specified backoff limit"})
        rt["stage"] = "done"
        w.touch(job)
        return
    log(w, key, "\n".join(["-" * 55, "Job '%s' submitted successfully" % job_id, "-" * 55, "", "Next steps",
                           "  Query the logs of the job:", "    ray job logs %s" % job_id,
                           "  Query the status of the job:", "    ray job status %s" % job_id,
                           "  Request the job to be stopped:", "    ray job stop %s" % job_id, ""]))
    rt["ray"] = {"jobStatus": "PENDING"}
    rt["stage"], rt["head"] = "pending", head["metadata"]["name"]
    rt["start_at"] = time.time() + w.emu.profile.delay("ray_job_start")
    w.touch(job)


def end_submitter(w, key, pod, code):
    """The submitter's container exits with `code`: its log ends, the kubelet stops making it Ready."""
    w.pod_logs[key]["done"] = True
    w.pod_rt.pop(key, None)
    pod["status"]["phase"] = "Succeeded" if code == 0 else "Failed"
    for c in pod["status"].get("containerStatuses", []):
        c["ready"] = False
        c["state"] = {"terminated": {"exitCode": code, "reason": "Completed" if code == 0 else "Error",
                                     "finishedAt": now_iso()}}
    for cond in pod["status"].get("conditions", []):
        if cond["type"] in ("Ready", "ContainersReady"):
            cond["status"] = "False"
    w.touch(pod)


def finish(w, job, rt):
    """Ray's job ended: the submitter's `ray job logs` ends; the operator records the status and message Ray
    holds at its next GetJobInfo that gets through (`poll`)."""
    ns = job["metadata"]["namespace"]
    key = "%s/%s" % (ns, rt["pod"])
    code, tail = rt["exit"], rt["tail"]
    if code == 0:
        rt["ray"] = {"jobStatus": "SUCCEEDED", "jobDeploymentStatus": "Complete", "message": "Job finished successfully.",
                     "succeeded": 1}
    else:
        rt["ray"] = {"jobStatus": "FAILED", "jobDeploymentStatus": "Failed", "reason": "AppFailed", "failed": 1,
                     "message": "Job entrypoint command failed with exit code %d, last available logs (truncated to "
                                "20,000 chars):\n%s" % (code, "\n".join(tail)[-20000:])}
    pod = w.get("pods", ns, rt["pod"])
    if pod:
        end_submitter(w, key, pod, 0)
    rt["stage"] = "ended"


def on_delete(w, job):
    """The garbage collector: the submitter's pods and an own cluster go with the RayJob."""
    ns, uid = job["metadata"]["namespace"], job["metadata"]["uid"]
    rt = w.ray_jobs.pop(uid, {})
    for key, pod in list(w.store["pods"].items()):
        if any(r.get("uid") == uid for r in pod["metadata"].get("ownerReferences") or []):
            w.store["pods"].pop(key, None)
            w.pod_rt.pop(key, None)
    if rt.get("own"):
        rc = w.store["rayclusters"].pop(w.k(ns, job["status"].get("rayClusterName")), None)
        if rc:
            raysim.on_delete(w, rc)
    stop_driver(rt)


# The job's driver: a local process acting as the head pod.

def start_driver(w, job, rt):
    ns = job["metadata"]["namespace"]
    head = w.get("pods", ns, rt["head"])
    key = "%s/%s" % (ns, rt["pod"])
    endpoints = PodEndpoints(w, head)
    workdir = tempfile.mkdtemp(prefix="rayjob-")
    bindir = os.path.join(workdir, ".bin")
    os.mkdir(bindir)
    for name in ("python", "python3"):
        os.symlink(sys.executable, os.path.join(bindir, name))
    env = {"PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir, "LANG": "C.UTF-8",
           "RAY_JOB_ID": job["status"]["jobId"], "RAY_ADDRESS": "http://127.0.0.1:%d" % DASHBOARD_PORT,
           "GCE_METADATA_HOST": "127.0.0.1:%d" % endpoints.port, "GCE_METADATA_IP": "127.0.0.1:%d" % endpoints.port,
           "STORAGE_EMULATOR_HOST": "http://127.0.0.1:%d" % endpoints.port,
           # A program that names the real hosts reaches the same endpoints: metadata.google.internal through the
           # proxy, storage.googleapis.com through it by CONNECT, with a certificate its TLS trusts.
           "http_proxy": "http://127.0.0.1:%d" % endpoints.port, "https_proxy": "http://127.0.0.1:%d" % endpoints.port,
           "no_proxy": "127.0.0.1,localhost", "SSL_CERT_FILE": endpoints.ca_file}
    # The bucket where the head has it mounted, in a folder of the driver's own (drivermount.py).
    mountdir = tempfile.mkdtemp(prefix="rayjob-mount-")
    mount = drivermount.DriverMount(w, head, mountdir)
    proc = subprocess.Popen(mount.command(job["spec"].get("entrypoint", ""), [workdir, mountdir]), cwd=workdir,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    rt.update(proc=proc, endpoints=endpoints, workdir=workdir, tail=[], exit=None)

    def follow():
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with LOCK:
                log(w, key, line)
                rt["tail"] = (rt["tail"] + [line])[-200:]
        code = proc.wait()
        mount.write_back()
        mount.remove()
        shutil.rmtree(mountdir, ignore_errors=True)
        with LOCK:
            rt["exit"] = code
            later(w, rt)
        endpoints.close()
        shutil.rmtree(workdir, ignore_errors=True)

    threading.Thread(target=follow, daemon=True).start()


def stop_driver(rt):
    proc = rt.get("proc")
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
        except OSError:
            pass


class PodEndpoints:
    """The head pod's metadata server and Cloud Storage (Private Google Access), for one driver process."""

    HOSTS = ("metadata.google.internal", "storage.googleapis.com")

    def __init__(self, w, pod):
        self.w, self.pod = w, pod
        self.token = "ya29.pod-" + raysim.suffix() + raysim.suffix()
        self.ca_file, self.tls = google_certificate(w.emu.state_dir)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.handle(self, "GET")

            def do_POST(self):
                outer.handle(self, "POST")

            def do_CONNECT(self):
                # https_proxy: the tunnel to storage.googleapis.com ends here, in TLS with Google's name.
                if self.path.split(":")[0] not in outer.HOSTS:
                    self.send_error(403, "no route to %s from the pod" % self.path)
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                try:
                    self.connection = outer.tls.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    self.close_connection = True
                    return
                self.rfile = self.connection.makefile("rb")
                self.wfile = self.connection.makefile("wb")
                self.close_connection = False
                while not self.close_connection:
                    self.handle_one_request()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def reply(h, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body) if ctype == "application/json" else body).encode()
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def handle(self, h, method):
        # Through the proxy a request names its URL whole (http://metadata.google.internal/...).
        url = urlsplit(h.path)
        if url.netloc and url.hostname not in self.HOSTS:
            self.reply(h, 403, "no route to %s from the pod" % url.netloc, "text/plain")
            return
        query = parse_qs(url.query)
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with LOCK:
            status, reply, ctype = self.answer(h, method, url.path, query, body)
        self.reply(h, status, reply, ctype)

    def answer(self, h, method, path, query, body):
        w, pod = self.w, self.pod
        text = "text/plain"
        if path.startswith("/computeMetadata/"):
            if h.headers.get("Metadata-Flavor") != "Google":
                return 403, "Missing required header \"Metadata-Flavor\": \"Google\"\n", text
            email, _ = probesim.email_of(w, pod)
            if path == METADATA + "email":
                return (200, email, text) if email else (404, "Not Found\n", text)
            if path == METADATA + "token":
                member, refusal = podsim.identity(w, pod)
                if refusal:
                    return 403, refusal, text
                return 200, {"access_token": self.token, "expires_in": 3599, "token_type": "Bearer"}, "application/json"
            return 404, "Not Found\n", text
        if h.headers.get("Authorization") != "Bearer " + self.token:
            return 401, storage_error(401, "Anonymous caller does not have storage.objects.create access to the "
                                           "Google Cloud Storage object."), "application/json"
        member, _ = podsim.identity(w, pod)
        emu, ns = w.emu, pod["metadata"]["namespace"]
        parts = path.split("/")
        if method == "POST" and path.startswith("/upload/storage/v1/b/") and len(parts) == 7 and parts[6] == "o":
            bucket, name = parts[5], (query.get("name") or [""])[0]
            permission, kind, write = "storage.objects.create", "object-write", body.decode("utf-8", "replace")
        elif method == "GET" and path.startswith("/storage/v1/b/") and len(parts) >= 7 and parts[5] == "o":
            bucket, name = parts[4], unquote("/".join(parts[6:]))
            permission, kind, write = "storage.objects.get", "object-read", None
        else:
            return 404, storage_error(404, "Not Found"), "application/json"
        rec = emu.buckets.get(bucket)
        granted = probesim.member_permissions(rec, member, ns) if rec else set()
        status, error = probesim.storage_call(emu, rec, bucket, member, granted, method, path, name, permission, kind,
                                              write)
        if error is not None:
            return status, storage_error(status, error), "application/json"
        if method == "GET":
            if (query.get("alt") or [""])[0] == "media":
                return 200, rec["objects"][name].encode(), "application/octet-stream"
        data = rec["objects"].get(name, "")
        return 200, {"kind": "storage#object", "name": name, "bucket": bucket, "size": str(len(data.encode()))}, \
            "application/json"


def google_certificate(state_dir):
    """A certificate for Google's hosts, its own CA (made once per state folder), and the TLS context that serves it."""
    with LOCK:
        return self_signed_tls(os.path.join(state_dir, "google-key.pem"), os.path.join(state_dir, "google-ca.pem"),
                               "googleapis emulator", "DNS:storage.googleapis.com,DNS:*.googleapis.com", reuse=True)


def storage_error(status, message):
    reason = {401: "required", 403: "forbidden", 404: "notFound"}.get(status, "invalid")
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": "global", "reason": reason}]}}


def pod_log(h, ns, name):
    """GET .../pods/NAME/log (kubectl logs): the container's output; with follow=true a stream that ends when the
    container does. A container not started yet is a 400 as the kubelet answers."""
    w = h.world
    follow = (h.query.get("follow") or [""])[0] in ("true", "1")
    key = "%s/%s" % (ns, name)
    with LOCK:
        w.advance()
        pod = w.get("pods", ns, name)
        if not pod:
            raise ApiError(404, 'pods "%s" not found' % name)
        container = pod["spec"]["containers"][0].get("name", "")
        state = ((pod.get("status") or {}).get("containerStatuses") or [{}])[0].get("state") or {}
        if "waiting" in state or not state:
            raise ApiError(400, 'container "%s" in pod "%s" is waiting to start: %s'
                           % (container, name, (state.get("waiting") or {}).get("reason", "ContainerCreating")))
        entry = w.pod_logs.get(key) or {"lines": [], "done": True}
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.close_connection = True
    sent = 0
    try:
        while True:
            with LOCK:
                w.advance()
                lines, done = list(entry["lines"][sent:]), entry["done"]
            if lines:
                data = "".join(line + "\n" for line in lines).encode()
                h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                h.wfile.flush()
                sent += len(lines)
            if done or not follow:
                break
            time.sleep(0.1)
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, OSError):
        pass
    h.streamed_status = 200
    return None
