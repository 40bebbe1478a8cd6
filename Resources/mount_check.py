# kuberay-gcs-wizard mount check
import os
import sys

import ray
from google.cloud import storage
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

bucket_name, mount, prefix, text = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ray.init(address="auto", logging_level="ERROR", log_to_driver=False)


@ray.remote(num_cpus=0)
def write_file(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


@ray.remote(num_cpus=0)
def read_file(path):
    with open(path) as f:
        return f.read()


def attempt(action):
    try:
        return action()
    except Exception as error:  # reported per node and direction, never raised
        return "%s: %s" % (type(error).__name__, (str(error).strip().splitlines() or [""])[0])


bucket = storage.Client().bucket(bucket_name)
failed = False
for node in [node for node in ray.nodes() if node["Alive"]]:
    on = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
    name = node.get("NodeManagerHostname") or node["NodeID"]
    via_mount, via_api = "%s/%s-mount.txt" % (prefix, name), "%s/%s-api.txt" % (prefix, name)

    def mount_to_api():
        ray.get(write_file.options(scheduling_strategy=on).remote(os.path.join(mount, via_mount), text), timeout=300)
        return bucket.blob(via_mount).download_as_text()

    def api_to_mount():
        bucket.blob(via_api).upload_from_string(text)
        return ray.get(read_file.options(scheduling_strategy=on).remote(os.path.join(mount, via_api)), timeout=300)

    results = [("mount->api", attempt(mount_to_api)), ("api->mount", attempt(api_to_mount))]
    line = ", ".join("%s %s" % (way, "ok" if got == text else "failed: %s" % got) for way, got in results)
    print("%s %s" % (name, line))
    if any(got != text for _, got in results):
        failed = True
        print("%s %s" % (name, line), file=sys.stderr)
ray.shutdown()
sys.exit(1 if failed else 0)