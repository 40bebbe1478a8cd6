# kuberay-gcs-wizard doctor probe
# Runs in a Ray pod (kubectl exec, read-only but for its own test object): asks the metadata server which Google
# identity the pod gets, then writes, reads back and deletes one object with it. Standard library only, so it
# installs nothing in the pod. Prints one JSON line.
# Usage: python -c "$(cat doctor_probe.py)" BUCKET OBJECT TRIES
# GCE_METADATA_HOST and STORAGE_EMULATOR_HOST (google-auth's and google-cloud-storage's own) point it elsewhere.
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

bucket, name, tries = sys.argv[1], sys.argv[2], int(sys.argv[3])
META = "http://%s/computeMetadata/v1/instance/service-accounts/default/" % os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
API = os.environ.get("STORAGE_EMULATOR_HOST", "https://storage.googleapis.com")
report = {}


def metadata(path):
    request = urllib.request.Request(META + path, headers={"Metadata-Flavor": "Google"})
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


# A new pod's GKE metadata server may not answer for a few seconds: ask again before saying so.
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
        time.sleep(2)

if "identity" in report:
    try:
        token = json.loads(metadata("token"))["access_token"]
    except urllib.error.HTTPError as e:
        report["token_error"] = e.read().decode(errors="replace")[:300]
    except (OSError, ValueError, KeyError) as e:
        report["token_error"] = str(e)[:300]
    else:
        quoted = urllib.parse.quote(name, safe="")
        text = "kuberay-gcs-wizard doctor " + name
        status, body = storage("POST", "%s/upload/storage/v1/b/%s/o?uploadType=media&name=%s" % (API, bucket, quoted),
                               token, text.encode())
        report["write"] = {"status": status} if status < 300 else {"status": status, "error": body}
        if status < 300:
            status, body = storage("GET", "%s/storage/v1/b/%s/o/%s?alt=media" % (API, bucket, quoted), token)
            report["read"] = {"status": status, "matches": body == text} if status < 300 else {"status": status, "error": body}
            status, body = storage("DELETE", "%s/storage/v1/b/%s/o/%s" % (API, bucket, quoted), token)
            report["delete"] = {"status": status} if status < 300 else {"status": status, "error": body}

print(json.dumps(report))
