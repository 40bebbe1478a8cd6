#!/usr/bin/python3
"""Local emulator of the Google APIs and GKE Kubernetes API the wizard uses.

  python3 Tests/Emulator/emulator.py --state-dir DIR [--project demo-project]
      [--project-number 123456789012] [--faults FILE] [--max-lifetime 1800]
      [--profile instant|realistic] [--time-scale 1.0]

Writes DIR/ca.pem, DIR/token, DIR/service-account.json, DIR/hermetic.env, then DIR/emulator.json
(atomically) and prints READY. See README.md beside this file.
"""
import argparse
import json
import os
import secrets
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import google_api  # noqa: E402  (must come first: it wires container/control)
import kube_api  # noqa: E402
import control  # noqa: E402
import cloudtime  # noqa: E402
import oauth_token  # noqa: E402
from core import ApiError, Emulator, self_signed_tls, serve  # noqa: E402


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# The caller: the account of hermetic.env and the client_email of DIR/service-account.json.
ACCOUNT = "tester@example.com"


def hermetic_env(d, project, gport):
    g = "http://127.0.0.1:%d/" % gport
    env = {
        "CLOUDSDK_CONFIG": os.path.join(d, "gcloud"),
        "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "1",
        "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
        "CLOUDSDK_SURVEY_DISABLE_PROMPTS": "1",
        "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE": os.path.join(d, "token"),
        "CLOUDSDK_CORE_ACCOUNT": ACCOUNT,
        "CLOUDSDK_CORE_PROJECT": project,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE": g + "storage/v1/",
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE": g + "compute/v1/",
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDBILLING": g,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_ORGPOLICY": g,
        "KUBECONFIG": os.path.join(d, "kubeconfig"),
        "KUBECACHEDIR": os.path.join(d, "kubecache"),
    }
    return "".join("%s=%s\n" % kv for kv in env.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--project", default="demo-project")
    ap.add_argument("--project-number", default="123456789012")
    ap.add_argument("--faults", help="JSON file: same body as POST /__control/faults")
    ap.add_argument("--seed", help="JSON file: same body as POST /__control/seed")
    ap.add_argument("--max-lifetime", type=float, default=1800)
    ap.add_argument("--profile", choices=sorted(cloudtime.PROFILES), default="instant",
                    help="instant: everything at once; realistic: Google's durations and delays (README.md)")
    ap.add_argument("--time-scale", type=float, default=1.0,
                    help="multiplies every realistic duration (0.02: a 6-minute cluster takes about 7 s)")
    a = ap.parse_args()
    d = os.path.abspath(a.state_dir)
    os.makedirs(os.path.join(d, "gcloud"), exist_ok=True)
    os.makedirs(os.path.join(d, "kubecache"), exist_ok=True)
    info_path = os.path.join(d, "emulator.json")
    if os.path.exists(info_path):
        os.remove(info_path)  # a stale file must never look like a ready emulator

    token = "ya29.emulator-" + secrets.token_hex(8)
    write_atomic(os.path.join(d, "token"), token)
    emu = Emulator(a.project, a.project_number, token, d)
    try:
        emu.profile.configure({"profile": a.profile, "time_scale": a.time_scale})
    except ApiError as e:
        ap.error(e.message)
    cloudtime.start_ticker(emu)
    ca_file, ctx = self_signed_tls(os.path.join(d, "key.pem"), os.path.join(d, "ca.pem"), "kuberay-emulator",
                                   "IP:127.0.0.1,DNS:localhost")
    with open(ca_file) as f:
        emu.ca_pem = f.read()

    class G(google_api.GoogleHandler):
        pass

    class K(kube_api.KubeHandler):
        pass
    G.emu = K.emu = emu
    ksrv = serve(K, ctx)
    emu.kube_port = ksrv.server_address[1]
    if a.seed:
        with open(a.seed) as f:
            control.seed(emu, json.load(f))
    if a.faults:
        with open(a.faults) as f:
            emu.add_faults(json.load(f))
    gsrv = serve(G)
    gport = gsrv.server_address[1]
    emu.oauth_key = oauth_token.make_key(d, ACCOUNT, a.project, "http://127.0.0.1:%d/token" % gport)

    write_atomic(os.path.join(d, "hermetic.env"), hermetic_env(d, a.project, gport))
    write_atomic(info_path, json.dumps({"google_port": gport, "kube_port": emu.kube_port,
                                        "ca_file": ca_file, "pid": os.getpid(),
                                        "token_file": os.path.join(d, "token"),
                                        "key_file": os.path.join(d, "service-account.json")}))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("READY", flush=True)
    stop.wait(a.max_lifetime)  # a crashed test must not leak the emulator
    try:
        os.remove(info_path)
    except OSError:
        pass
    os._exit(0)  # daemon threads may be holding watch streams open


if __name__ == "__main__":
    main()
