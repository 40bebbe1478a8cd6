# kuberay-gcs-wizard bucket check
# Runs in the Ray head pod: one Ray task on each alive Ray node (head and workers) writes its own object,
# PREFIX/POD.txt, and reads it back. Usage: python -c "$(cat bucket_check.py)" BUCKET PREFIX TEXT
# Prints one line per node, "GROUP POD ok" or "GROUP POD failed: REASON", then a summary line such as
# "head ok, workers-1a2b ok"; exits 1 when any node fails.
# Each task installs google-cloud-storage through its runtime_env (already installed: nothing is downloaded).
# client.bucket() (not get_bucket) so roles/storage.objectUser is enough: it lacks storage.buckets.get.
import os
import socket
import sys

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

bucket_name, prefix, text = sys.argv[1], sys.argv[2], sys.argv[3]

ray.init(address="auto", logging_level="ERROR", log_to_driver=False)


@ray.remote(num_cpus=0, runtime_env={"pip": ["google-cloud-storage"]})
def check_node(bucket_name, prefix, text):
    # The manifest puts the pod's ray.io/group label and name in every Ray container.
    group = os.environ.get("KUBERAY_GCS_WIZARD_GROUP", "unknown")
    pod = os.environ.get("KUBERAY_GCS_WIZARD_POD") or socket.gethostname()
    try:
        from google.cloud import storage

        blob = storage.Client().bucket(bucket_name).blob("%s/%s.txt" % (prefix, pod))
        blob.upload_from_string(text)
        read = blob.download_as_text()
    except Exception as error:  # every failure is reported per node, never raised
        reason = (str(error).strip().splitlines() or [""])[0]
        return group, pod, "failed: %s: %s" % (type(error).__name__, reason)
    return group, pod, "ok" if read == text else "failed: read back %r" % read


def short_name(group, pod):
    return "head" if group == "headgroup" else "%s-%s" % (group, pod.rsplit("-", 1)[-1])


nodes = [node for node in ray.nodes() if node["Alive"]]
tasks = [
    check_node.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)).remote(bucket_name, prefix, text)
    for node in nodes
]
results = []
for node, task in zip(nodes, tasks):
    try:
        results.append(ray.get(task, timeout=300))
    except Exception as error:  # the task never ran there: name the node by its host, which is its pod
        reason = (str(error).strip().splitlines() or [""])[0]
        results.append(("unknown", node.get("NodeManagerHostname", node["NodeID"]), "failed: %s: %s" % (type(error).__name__, reason)))
results.sort(key=lambda r: (r[0] != "headgroup", r[0], r[1]))
for group, pod, status in results:
    print("%s %s %s" % (group, pod, status))
    if status != "ok":  # also where a failed step's hint looks
        print("%s %s %s" % (group, pod, status), file=sys.stderr)
print(", ".join("%s %s" % (short_name(group, pod), "ok" if status == "ok" else "failed") for group, pod, status in results))
ray.shutdown()
sys.exit(0 if results and all(status == "ok" for _, _, status in results) else 1)
