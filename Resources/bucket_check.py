# kuberay-gcs-wizard bucket check
# Runs in the Ray head pod: a Ray task writes an object to the bucket and reads it back.
# Usage: python -c "$(cat bucket_check.py)" BUCKET OBJECT TEXT
# client.bucket() (not get_bucket) so roles/storage.objectUser is enough: it lacks storage.buckets.get.
import sys

import ray
from google.cloud import storage

bucket_name, object_name, text = sys.argv[1], sys.argv[2], sys.argv[3]

ray.init(address="auto", logging_level="ERROR", log_to_driver=False)


@ray.remote
def check_gcs_read_write(bucket_name, object_name, text):
    client = storage.Client()
    blob = client.bucket(bucket_name).blob(object_name)
    blob.upload_from_string(text)
    return blob.download_as_text()


print(ray.get(check_gcs_read_write.remote(bucket_name, object_name, text)))
ray.shutdown()
