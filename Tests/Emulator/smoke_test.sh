#!/usr/bin/env bash
# Runs the wizard's gcloud/kubectl commands through the REAL /usr/bin/gcloud
# and kubectl against the emulator, scenario by scenario, and checks exit
# codes and output. Exits non-zero on the first scenario with a failure.
#   bash Tests/Emulator/smoke_test.sh [scenario ...]   (default: all)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
P=demo-project
SA_EMAIL=my-iam-sa@demo-project.iam.gserviceaccount.com
FAILS=0
EPID=""

start_emulator() {  # start_emulator [EMULATOR FLAGS...]: a fresh emulator, its hermetic.env loaded
  DIR=$(mktemp -d /tmp/kuberay-emu.XXXXXX)
  /usr/bin/python3 "$HERE/emulator.py" --state-dir "$DIR" --max-lifetime 900 "$@" >"$DIR/stdout" 2>"$DIR/stderr" &
  EPID=$!
  for _ in $(seq 100); do grep -q READY "$DIR/stdout" 2>/dev/null && break; sleep 0.05; done
  grep -q READY "$DIR/stdout" || { echo "emulator did not start"; cat "$DIR/stderr"; exit 1; }
  set -a; . "$DIR/hermetic.env"; set +a
  GP=$(/usr/bin/python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["google_port"])' "$DIR/emulator.json")
}

stop_emulator() {
  [ -n "$EPID" ] && kill "$EPID" 2>/dev/null && wait "$EPID" 2>/dev/null
  EPID=""
  [ -n "${DIR:-}" ] && rm -rf "$DIR"
}
trap stop_emulator EXIT

ctl() { curl -sf -X "$1" "http://127.0.0.1:$GP/__control/$2" ${3:+-d "$3"}; }

# py EXPR: prints a Python expression over `log` (GET /__control/log) and `pending` (GET /__control/pending)
py() { /usr/bin/python3 -c '
import json, sys, urllib.request
get = lambda e: json.load(urllib.request.urlopen("http://127.0.0.1:%s/__control/%s" % (sys.argv[1], e)))
log, pending = get("log"), get("pending")
print(eval(sys.argv[2]))' "$GP" "$1"; }

# holds WHAT EXPR: the Python expression (see py) is true
holds() {
  if [ "$(py "$2")" = True ]; then echo "ok   $1"; else FAILS=$((FAILS + 1)); echo "FAIL $1: $2"; fi
}

# await WHAT EXPR [SECONDS]: waits until the Python expression (see py) is true
await() {
  local end=$(( $(date +%s) + ${3:-30} ))
  until [ "$(py "$2")" = True ]; do
    if [ "$(date +%s)" -ge "$end" ]; then FAILS=$((FAILS + 1)); echo "FAIL waiting for $1: $2"; return 1; fi
    sleep 0.2
  done
  echo "ok   $1"
}

# control_error STATUS REGEX ENDPOINT BODY: a control call answers STATUS with a message matching REGEX
control_error() {
  local code
  code=$(curl -s -o "$DIR/ctl" -w '%{http_code}' -X POST "http://127.0.0.1:$GP/__control/$3" -d "$4")
  if [ "$code" = "$1" ] && grep -Eq -- "$2" "$DIR/ctl"; then echo "ok   control $3 $4 -> $code"
  else FAILS=$((FAILS + 1)); echo "FAIL control $3 $4 -> $code: $(cat "$DIR/ctl")"; fi
}

# t WANT_RC REGEX CMD...: runs CMD; stdout+stderr must match REGEX ("" = anything)
t() {
  local want=$1 re=$2; shift 2
  "$@" >"$DIR/out" 2>"$DIR/err"; local rc=$?
  if [ "$rc" -ne "$want" ] || { [ -n "$re" ] && ! cat "$DIR/out" "$DIR/err" | grep -Eq -- "$re"; }; then
    FAILS=$((FAILS + 1))
    echo "FAIL (rc=$rc, want $want, /$re/): $*"; sed 's/^/    | /' "$DIR/out" "$DIR/err" | head -20
  else
    echo "ok   rc=$rc  $*" | head -1 | cut -c1-150
  fi
}

# out EXACT CMD...: rc 0 and stdout exactly EXACT
out() {
  local want=$1; shift
  local got; got=$("$@" 2>"$DIR/err"); local rc=$?
  if [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
    FAILS=$((FAILS + 1)); echo "FAIL (rc=$rc): $*"; echo "    want: $want"; echo "    got:  $got"; head -5 "$DIR/err"
  else
    echo "ok   '$got'  $*" | head -1 | cut -c1-150
  fi
}

# kinds KIND=N ...: the request log holds exactly N requests of each kind
kinds() {
  local res
  res=$(ctl GET log | /usr/bin/python3 -c '
import json, sys
log = json.load(sys.stdin)
bad = []
for spec in sys.argv[1:]:
    k, n = spec.split("=")
    got = sum(1 for e in log if e["kind"] == k)
    if got != int(n):
        bad.append("%s: %d, want %s" % (k, got, n))
print("; ".join(bad))' "$@")
  if [ -n "$res" ]; then FAILS=$((FAILS + 1)); echo "FAIL log kinds: $res"; else echo "ok   log kinds $*"; fi
}

raycluster() {  # raycluster NAMESPACE SELECTOR(yes|no) > file
  cat <<EOF
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: raycluster-mini
  namespace: $1
spec:
  rayVersion: "2.52.0"
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        serviceAccountName: my-ksa
$( [ "$2" = yes ] && printf '        nodeSelector:\n          iam.gke.io/gke-metadata-server-enabled: "true"\n' )
        containers:
        - name: ray-head
          image: rayproject/ray:2.52.0
          resources:
            requests: {cpu: "1", memory: 2Gi}
            limits: {cpu: "1", memory: 5Gi}
EOF
}

raycluster_gpu() {  # raycluster_gpu NAMESPACE > file: a head and a GPU worker group (1 x nvidia-l4 per pod)
  raycluster "$1" yes
  cat <<EOF
  workerGroupSpecs:
  - groupName: gpu
    replicas: 1
    minReplicas: 1
    maxReplicas: 2
    rayStartParams: {}
    template:
      spec:
        serviceAccountName: my-ksa
        nodeSelector:
          iam.gke.io/gke-metadata-server-enabled: "true"
          cloud.google.com/gke-accelerator: nvidia-l4
        tolerations:
        - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
        containers:
        - name: ray-worker
          image: rayproject/ray:2.52.0
          resources:
            limits: {nvidia.com/gpu: "1"}
EOF
}

quota() {  # quota REGION|global METRIC: "LIMIT USAGE" as gcloud compute reads them
  local cmd=(gcloud compute regions describe "$1" --project $P --format json)
  [ "$1" = global ] && cmd=(gcloud compute project-info describe --project $P --format json)
  "${cmd[@]}" | /usr/bin/python3 -c '
import json, sys
q = {x["metric"]: x for x in json.load(sys.stdin)["quotas"]}[sys.argv[1]]
print(q["limit"], q["usage"])' "$2"
}

gpu_pool() {  # gpu_pool WANT_RC REGEX NAME [FLAGS...]: a pool of g2-standard-8 nodes with one nvidia-l4 each
  local want=$1 re=$2 name=$3; shift 3
  t "$want" "$re" gcloud container node-pools create "$name" --cluster cloud-bucket-cluster --project $P --location us-west1-b \
    --machine-type g2-standard-8 --accelerator type=nvidia-l4,count=1,gpu-driver-version=latest "$@"
}

ROOT=$(cd "$HERE/../.." && pwd)
PROBE=$(cat "$ROOT/Resources/bucket_probe.py")

check() {  # check NAMESPACE WANT_RC REGEX: the bucket probe on every Ray node, as the verify step runs it
  t "$2" "$3" kubectl exec service/raycluster-mini-head-svc --namespace "$1" -- python -c "$PROBE" nodes my-bucket smoke "hello-from-$1"
}

doctor_probe() {  # doctor_probe WANT_RC REGEX TRIES: the bucket probe in the head pod alone, as doctor runs it
  t "$1" "$2" kubectl exec service/raycluster-mini-head-svc --namespace default -- python -c "$PROBE" pod my-bucket doctor.txt "$3"
}

wait_head() {  # wait_head NAMESPACE WANT_RC REGEX [TIMEOUT]
  t "$2" "$3" kubectl wait pod --for=condition=Ready -l ray.io/cluster=raycluster-mini,ray.io/node-type=head --namespace "$1" --timeout="${4:-300s}"
}

scenario_standard_iam_sa() {
  echo "## Standard cluster, IAM service account mode, then a second run"
  start_emulator
  out tester@example.com gcloud config get-value account
  out demo-project gcloud projects describe $P --format='value(projectId)'
  out 123456789012 gcloud projects describe $P --format='value(projectNumber)'
  t 1 "PERMISSION_DENIED|does not have permission" gcloud projects describe no-such-project --format='value(projectNumber)'
  t 0 "" gcloud services enable container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com --project $P
  t 0 "iamcredentials.googleapis.com" gcloud services list --enabled --project $P --format='value(config.name)'
  t 1 "Not found" gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(name)'
  t 0 "" gcloud container clusters create cloud-bucket-cluster --project $P --zone us-west1-b --machine-type e2-standard-8 --num-nodes 1 --enable-autoscaling --min-nodes 0 --max-nodes 1 --workload-pool $P.svc.id.goog --addons RayOperator
  out demo-project.svc.id.goog gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(workloadIdentityConfig.workloadPool)'
  out True gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(addonsConfig.rayOperatorConfig.enabled)'
  t 0 "kubeconfig entry generated" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "^v1( |$)" kubectl get crd rayclusters.ray.io -o 'jsonpath={.spec.versions[?(@.served==true)].name}'
  t 0 "namespace/ray-ns created" kubectl create namespace ray-ns
  t 0 "ray-ns" kubectl get namespace ray-ns
  t 1 'NotFound' kubectl get serviceaccount my-ksa --namespace default
  t 0 "serviceaccount/my-ksa created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "my-ksa" kubectl get serviceaccount my-ksa --namespace default
  t 1 "NOT_FOUND|not found|Unknown service account" gcloud iam service-accounts describe $SA_EMAIL --project $P
  t 0 "Created service account" gcloud iam service-accounts create my-iam-sa --project $P --display-name "KubeRay GCS access"
  t 0 "email: $SA_EMAIL" gcloud iam service-accounts describe $SA_EMAIL --project $P
  t 0 "annotated" kubectl annotate serviceaccount my-ksa --namespace default --overwrite iam.gke.io/gcp-service-account=$SA_EMAIL
  out $SA_EMAIL kubectl get serviceaccount my-ksa --namespace default -o 'jsonpath={.metadata.annotations.iam\.gke\.io/gcp-service-account}'
  t 1 "404|not found" gcloud storage buckets describe gs://my-bucket --format='value(name)'
  t 0 "" gcloud storage buckets create gs://my-bucket --project $P --location us-west1 --uniform-bucket-level-access
  out my-bucket gcloud storage buckets describe gs://my-bucket --format='value(name)'
  raycluster default yes >"$DIR/raycluster.yaml"
  t 0 "raycluster.ray.io/raycluster-mini created" kubectl apply -f "$DIR/raycluster.yaml"
  wait_head default 0 "condition met"
  # Broken chain 1: no workloadIdentityUser binding on the IAM SA yet.
  check default 1 "iam.serviceAccounts.getAccessToken' denied"
  t 0 "Updated IAM policy" gcloud iam service-accounts add-iam-policy-binding $SA_EMAIL --project $P --role roles/iam.workloadIdentityUser --member "serviceAccount:$P.svc.id.goog[default/my-ksa]"
  out "serviceAccount:$P.svc.id.goog[default/my-ksa]" gcloud iam service-accounts get-iam-policy $SA_EMAIL --project $P --flatten='bindings[].members' --filter=bindings.role:roles/iam.workloadIdentityUser --format='value(bindings.members)'
  # Broken chain 2: no bucket binding yet.
  check default 1 "^headgroup raycluster-mini-head-[a-z0-9]{5} failed: write: HTTP 403: $SA_EMAIL does not have storage.objects.create access"
  t 0 "roles/storage.objectUser" gcloud storage buckets add-iam-policy-binding gs://my-bucket --member serviceAccount:$SA_EMAIL --role roles/storage.objectUser
  # gcloud 528 rejects --filter here (usage error, exit 2): use --flatten + a csv format.
  t 2 "unrecognized arguments: --filter" gcloud storage buckets get-iam-policy gs://my-bucket --flatten='bindings[].members' --filter=bindings.role:roles/storage.objectUser --format='value(bindings.members)'
  t 0 "^roles/storage.objectUser,serviceAccount:$SA_EMAIL$" gcloud storage buckets get-iam-policy gs://my-bucket --flatten='bindings[].members' --format='csv[no-heading](bindings.role,bindings.members)'
  check default 0 "^head ok$"

  echo "## second run: probes find everything, apply is unchanged, nothing is created again"
  out cloud-bucket-cluster gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(name)'
  t 0 "ray-ns" kubectl get namespace ray-ns
  t 0 "my-ksa" kubectl get serviceaccount my-ksa --namespace default
  out my-bucket gcloud storage buckets describe gs://my-bucket --format='value(name)'
  t 0 "raycluster.ray.io/raycluster-mini unchanged" kubectl apply -f "$DIR/raycluster.yaml"
  kinds create-cluster=1 create-namespace=1 create-serviceaccount=1 create-service-account=1 \
    create-bucket=1 create-raycluster=1 enable-services=1 set-iam-policy=1 set-bucket-iam-policy=1 \
    object-write=2 object-read=1

  echo "## objects with gcloud storage: rsync and cp -r up, ls, cat, a download"
  mkdir -p "$DIR/src/lib" && printf 'print("hi")\n' >"$DIR/src/train.py" && printf 'x = 1\n' >"$DIR/src/lib/util.py"
  t 0 "" gcloud storage rsync --recursive "$DIR/src" gs://my-bucket/code
  t 0 "to gs://my-bucket/code/src/train.py" gcloud storage cp -r "$DIR/src" gs://my-bucket/code/
  out "$(printf 'gs://my-bucket/code/train.py\ngs://my-bucket/code/lib/\ngs://my-bucket/code/src/')" gcloud storage ls gs://my-bucket/code
  out 'print("hi")' gcloud storage cat gs://my-bucket/code/train.py
  t 0 "" gcloud storage cp gs://my-bucket/code/lib/util.py "$DIR/util.py"
  out 'x = 1' cat "$DIR/util.py"
  stop_emulator
}

scenario_autopilot_direct() {
  echo "## Autopilot cluster, direct Workload Identity principal"
  start_emulator
  t 0 "" gcloud services enable container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com --project $P
  t 0 "" gcloud container clusters create-auto cloud-bucket-cluster --project $P --location us-west1 --enable-ray-operator
  out demo-project.svc.id.goog gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1 --format='value(workloadIdentityConfig.workloadPool)'
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1
  t 0 "^v1( |$)" kubectl get crd rayclusters.ray.io -o 'jsonpath={.spec.versions[?(@.served==true)].name}'
  t 0 "created" kubectl create namespace ray-ns
  t 0 "created" kubectl create serviceaccount my-ksa --namespace ray-ns
  t 0 "" gcloud storage buckets create gs://my-bucket --project $P --location us-west1 --uniform-bucket-level-access
  t 0 "" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/ray-ns/sa/my-ksa
  # Autopilot's admission webhook refuses the metadata-server nodeSelector: no head pod.
  raycluster ray-ns yes >"$DIR/rc-bad.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc-bad.yaml"
  wait_head ray-ns 1 "no matching resources found"
  t 0 "deleted" kubectl delete raycluster raycluster-mini --namespace ray-ns
  raycluster ray-ns no >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head ray-ns 0 "condition met"
  check ray-ns 0 "^head ok$"
  stop_emulator
}

scenario_existing_update() {
  echo "## Existing Standard cluster without Workload Identity or the Ray add-on"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","autopilot":false,"workloadPool":null,"rayOperator":false}],
    "buckets":[{"name":"my-bucket","location":"us-west1","uniform":true}]}' >/dev/null
  out cloud-bucket-cluster gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(name)'
  out "" gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(workloadIdentityConfig.workloadPool)'
  out "" gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(addonsConfig.rayOperatorConfig.enabled)'
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 1 'NotFound.*rayclusters.ray.io' kubectl get crd rayclusters.ray.io -o 'jsonpath={.spec.versions[?(@.served==true)].name}'
  raycluster default yes >"$DIR/rc.yaml"
  t 1 'no matches for kind "RayCluster" in version "ray.io/v1"' kubectl apply -f "$DIR/rc.yaml"
  # Both changes in one update command is a usage error in gcloud 528.
  t 2 "" gcloud container clusters update cloud-bucket-cluster --project $P --location us-west1-b --workload-pool $P.svc.id.goog --update-addons RayOperator=ENABLED
  t 0 "" gcloud container clusters update cloud-bucket-cluster --project $P --location us-west1-b --workload-pool $P.svc.id.goog
  t 0 "" gcloud container clusters update cloud-bucket-cluster --project $P --location us-west1-b --update-addons RayOperator=ENABLED
  out demo-project.svc.id.goog gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(workloadIdentityConfig.workloadPool)'
  out True gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(addonsConfig.rayOperatorConfig.enabled)'
  t 0 "^v1( |$)" kubectl get crd rayclusters.ray.io -o 'jsonpath={.spec.versions[?(@.served==true)].name}'
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  check default 0 "^head ok$"
  kinds update-cluster-workload-pool=1 update-cluster-addons=1 create-cluster=0
  stop_emulator
}

scenario_standard_no_selector() {
  echo "## Standard cluster, pod without the metadata-server nodeSelector: node identity, 403"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true}],
    "buckets":[{"name":"my-bucket","location":"us-west1","uniform":true}]}' >/dev/null
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  raycluster default no >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  check default 1 "123456789012-compute@developer.gserviceaccount.com does not have storage.objects.create access"
  stop_emulator
}

scenario_faults() {
  echo "## Injected faults and conflicts"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "taken_bucket_names":["taken-bucket"]}' >/dev/null
  t 1 "requested bucket name is not available" gcloud storage buckets create gs://taken-bucket --project $P --location us-west1 --uniform-bucket-level-access
  ctl POST faults '{"rules":[{"method":"POST","path_regex":"/clusters$","status":403,"message":"Required \"container.clusters.create\" permission(s) for \"projects/demo-project\".","times":1}]}' >/dev/null
  t 1 "PERMISSION_DENIED|container.clusters.create" gcloud container clusters create-auto cloud-bucket-cluster --project $P --location us-west1
  ctl POST faults '{"special":"operation-never-finishes"}' >/dev/null
  t 0 "" gcloud container clusters create-auto cloud-bucket-cluster --project $P --location us-west1 --async
  ctl GET state | grep -q '"status": "RUNNING"' && echo "ok   operation still RUNNING" || { FAILS=$((FAILS + 1)); echo "FAIL operation finished"; }
  ctl POST reset-faults >/dev/null
  ctl POST faults '{"special":"pod-never-ready"}' >/dev/null
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1
  t 1 "AlreadyExists|already exists" kubectl create namespace default
  ctl POST install-crd '{}' >/dev/null
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  raycluster default no >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 1 "timed out waiting for the condition" 3s
  kinds create-cluster=2
  stop_emulator
}

scenario_realistic() {
  echo "## Realistic profile at time scale 0.02: operation durations, one operation per cluster, IAM propagation"
  start_emulator --profile realistic --time-scale 0.02
  out "realistic 0.02" py '"%s %s" % (get("profile")["profile"], get("profile")["time_scale"])'
  control_error 400 "time_scale: must be a number greater than 0" profile '{"time_scale": 0}'
  control_error 400 "parts.warp: unknown part" profile '{"parts": {"warp": true}}'
  control_error 400 "durations.create_cluster: must be a number of seconds" profile '{"durations": {"create_cluster": "soon"}}'
  t 0 "" gcloud services enable container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com --project $P
  holds "gcloud polled the enablement until it was done" \
    '[e["kind"] for e in log if e["kind"] in ("operation-done", "get-service-operation")][-2:] == ["operation-done", "get-service-operation"]'
  t 0 "" gcloud container clusters create cloud-bucket-cluster --project $P --zone us-west1-b --machine-type e2-standard-8 --num-nodes 1 --workload-pool $P.svc.id.goog --addons RayOperator
  out RUNNING gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(status)'
  # gcloud polls a GKE operation at once, then every 5 s: a 7.2 s create is seen DONE at the poll at 10 s.
  echo "     gcloud's polls of the create (s after the create): $(py '" ".join("%.2f" % (e["time"] - c["time"]) for c in log if c["kind"] == "create-cluster" for e in log if e["kind"] == "get-operation")')"
  holds "gcloud waits 5 s between polls of a GKE operation" \
    'all(4.9 <= b["time"] - a["time"] <= 5.6 for a, b in zip(log, log[1:]) if a["kind"] == b["kind"] == "get-operation")'
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "^v1( |$)" kubectl get crd rayclusters.ray.io -o 'jsonpath={.spec.versions[?(@.served==true)].name}'
  gpu_pool 0 "" ray-gpu --workload-metadata GKE_METADATA --enable-autoscaling --num-nodes 0 --min-nodes 0 --max-nodes 2 --async
  out PROVISIONING gcloud container node-pools describe ray-gpu --cluster cloud-bucket-cluster --project $P --location us-west1-b --format='value(status)'
  t 1 "Cluster is running incompatible operation operation-" gcloud container clusters update cloud-bucket-cluster --project $P --location us-west1-b --update-addons GcsFuseCsiDriver=ENABLED
  OP=$(py '[o["name"] for o in pending["operations"] if o["type"] == "CREATE_NODE_POOL"][0]')
  t 0 "" gcloud container operations wait "$OP" --project $P --location us-west1-b
  out RUNNING gcloud container node-pools describe ray-gpu --cluster cloud-bucket-cluster --project $P --location us-west1-b --format='value(status)'
  holds "no operation is pending" 'pending["operations"] == []'

  echo "## pods: image pull and readiness take their time; then IAM bindings take effect after reads show them"
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  raycluster_gpu default >"$DIR/raycluster.yaml"
  t 0 "created" kubectl apply -f "$DIR/raycluster.yaml"
  wait_head default 0 "condition met" 60s
  t 0 "condition met" kubectl wait pod --for=condition=Ready -l ray.io/group=gpu --namespace default --timeout=60s
  t 0 "TriggeredScaleUp" kubectl get events --namespace default --field-selector reason=TriggeredScaleUp
  t 0 "" gcloud storage buckets create gs://my-bucket --project $P --location us-west1 --uniform-bucket-level-access
  ctl POST profile '{"durations": {"iam_policy": 400}}' >/dev/null   # 8 s at this scale: room to look in between
  t 0 "Created service account" gcloud iam service-accounts create my-iam-sa --project $P
  t 1 "Service account $SA_EMAIL does not exist" gcloud storage buckets add-iam-policy-binding gs://my-bucket --member serviceAccount:$SA_EMAIL --role roles/storage.objectUser
  await "the new service account becomes usable" 'pending["service_accounts"] == []' 10
  t 0 "roles/storage.objectUser" gcloud storage buckets add-iam-policy-binding gs://my-bucket --member serviceAccount:$SA_EMAIL --role roles/storage.objectUser
  t 0 "annotated" kubectl annotate serviceaccount my-ksa --namespace default --overwrite iam.gke.io/gcp-service-account=$SA_EMAIL
  t 0 "Updated IAM policy" gcloud iam service-accounts add-iam-policy-binding $SA_EMAIL --project $P --role roles/iam.workloadIdentityUser --member "serviceAccount:$P.svc.id.goog[default/my-ksa]"
  # Reads show both bindings at once; the pods' access waits for propagation.
  out "serviceAccount:$P.svc.id.goog[default/my-ksa]" gcloud iam service-accounts get-iam-policy $SA_EMAIL --project $P --flatten='bindings[].members' --filter=bindings.role:roles/iam.workloadIdentityUser --format='value(bindings.members)'
  holds "both bindings are pending" 'sorted(b["resource"].split()[0] for b in pending["bindings"]) == ["bucket", "serviceAccount"]'
  check default 1 "^headgroup raycluster-mini-head-[a-z0-9]{5} failed: no token for $SA_EMAIL: HTTP 403: Unable to generate access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied"
  await "the bindings take effect" 'pending["bindings"] == []' 20
  check default 0 "^head ok, gpu-[a-z0-9]{5} ok$"
  holds "every successful object write came after the bindings took effect" \
    'max(e["time"] for e in log if e["kind"] == "iam-effective") <= min(e["time"] for e in log if e["kind"] == "object-write" and e["status"] == 200)'

  echo "## a new pod's metadata server does not answer in its first seconds"
  ctl POST profile '{"durations": {"metadata_warmup": 600}}' >/dev/null   # 12 s at this scale
  t 0 "deleted" kubectl delete pod -l ray.io/node-type=head --namespace default --wait=false
  t 0 "condition met" kubectl wait pod --for=condition=Ready -l ray.io/node-type=head --namespace default --timeout=60s
  doctor_probe 0 '"metadata_error"' 2
  check default 1 "^headgroup raycluster-mini-head-[a-z0-9]{5} failed: the metadata server did not answer: <urlopen error \\[Errno 111\\] Connection refused>$"
  await "the metadata server answers" '[p for p in pending["pods"] if p["stage"] == "metadata-warmup"] == []' 20
  check default 0 "^head ok, gpu-[a-z0-9]{5} ok$"
  kinds create-cluster=1 create-node-pool=1 update-cluster-addons=1
  stop_emulator
}

scenario_stockout() {
  echo "## A zone out of GPUs: fixed-size pools fail, autoscaling pools are made but their pods stay Pending"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true}],
    "stockouts":[{"zone":"us-west1-b","accelerator":"nvidia-l4"},{"zone":"us-west1-c","code":"ZONE_RESOURCE_POOL_EXHAUSTED"}]}' >/dev/null
  gpu_pool 1 "finished with error: Google Compute Engine: Not all instances running in IGM after 35m0.000000000s. Expected 1, running 0, transitioning 1. Current errors: \[GCE_STOCKOUT\]: Instance 'gke-cloud-bucket-cluster-fixed-[0-9a-f]{8}-[a-z0-9]{4}' creation failed: The zone 'projects/demo-project/zones/us-west1-b' does not have enough resources available to fulfill the request." fixed --num-nodes 1
  out ERROR gcloud container node-pools describe fixed --cluster cloud-bucket-cluster --project $P --location us-west1-b --format='value(status)'
  gpu_pool 0 "" ray-gpu --workload-metadata GKE_METADATA --enable-autoscaling --num-nodes 0 --min-nodes 0 --max-nodes 2
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  raycluster_gpu default >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  t 0 "FailedScaleUp +pod/raycluster-mini-gpu-worker-[a-z0-9]{5} +Node scale up in zones us-west1-b associated with this pod failed: GCE out of resources. Pod is at risk of not being scheduled." \
    kubectl get events --namespace default --field-selector reason=FailedScaleUp
  out "False Unschedulable" kubectl get pod -l ray.io/group=gpu --namespace default -o 'jsonpath={.items[0].status.conditions[?(@.type=="PodScheduled")].status} {.items[0].status.conditions[?(@.type=="PodScheduled")].reason}'
  t 1 "finished with error: .*Current errors: \[ZONE_RESOURCE_POOL_EXHAUSTED\]: .*zones/us-west1-c' does not have enough resources" \
    gcloud container clusters create other-cluster --project $P --zone us-west1-c --num-nodes 1
  out ERROR gcloud container clusters describe other-cluster --project $P --location us-west1-c --format='value(status)'
  stop_emulator
}

scenario_quota() {
  echo "## A new project's GPU quota (0): the quotas read, the synchronous 403 and FailedScaleUp; quota raised, the pod runs"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","compute.googleapis.com","iam.googleapis.com"],
    "quotas":{"preset":"new-project"},
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true}]}' >/dev/null
  # describe takes no --filter (gcloud 528 exits 2): read the JSON.
  t 2 "unrecognized arguments" gcloud compute regions describe us-west1 --project $P --flatten quotas --filter quotas.metric=CPUS
  out "0.0 0.0" quota us-west1 NVIDIA_L4_GPUS
  out "24.0 8.0" quota us-west1 CPUS
  out "0.0 0.0" quota global GPUS_ALL_REGIONS
  t 0 '"metric": "PREEMPTIBLE_NVIDIA_L4_GPUS"' gcloud compute regions describe us-west1 --project $P --format json
  gpu_pool 1 "Insufficient regional quota to satisfy request: resource \"NVIDIA_L4_GPUS\": request requires '1.0' and is short '1.0'. project has a quota of '0.0' with '0.0' available." fixed --num-nodes 1
  gpu_pool 0 "" ray-gpu --workload-metadata GKE_METADATA --enable-autoscaling --num-nodes 0 --min-nodes 0 --max-nodes 2
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  raycluster_gpu default >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  t 1 "timed out" kubectl wait pod --for=condition=Ready -l ray.io/group=gpu --namespace default --timeout=2s
  t 0 "Node scale up in zones us-west1-b associated with this pod failed: GCE quota exceeded. Pod is at risk of not being scheduled." \
    kubectl get events --namespace default --field-selector involvedObject.kind=Pod,reason=FailedScaleUp -o 'jsonpath={.items[*].message}'
  holds "the refused scale-up is logged once" '[e["query"] for e in log if e["kind"] == "scale-up-failed"] == ["GCE quota exceeded"]'
  ctl POST seed '{"quotas":{"regions":{"us-west1":{"NVIDIA_L4_GPUS":1}},"global":{"GPUS_ALL_REGIONS":1}}}' >/dev/null
  t 0 "condition met" kubectl wait pod --for=condition=Ready -l ray.io/group=gpu --namespace default --timeout=30s
  holds "the node was added after the quota was raised" '[e["kind"] for e in log if e["kind"].startswith("scale-up")] == ["scale-up-failed", "scale-up"]'
  out "1.0 1.0" quota us-west1 NVIDIA_L4_GPUS
  out "1.0 1.0" quota global GPUS_ALL_REGIONS
  control_error 400 "quotas.us-west1.CPUS: expected a number" seed '{"quotas":{"regions":{"us-west1":{"CPUS":"many"}}}}'
  stop_emulator
}

scenario_facts() {
  echo "## What preflight reads: accelerator and machine types, billing, the account's roles, org policies, taken names"
  start_emulator
  t 1 "Compute Engine API has not been used in project 123456789012" gcloud compute regions describe us-west1 --project $P --format json
  t 0 "" gcloud services enable container.googleapis.com --project $P
  ctl POST seed '{"missing_accelerators":{"us-west1-c":["nvidia-l4"]},"taken_bucket_names":["taken-bucket"]}' >/dev/null
  t 0 "nvidia-l4 +us-west1-b +NVIDIA L4" gcloud compute accelerator-types list --project $P --filter="zone:(us-west1-b)"
  out "nvidia-tesla-t4" gcloud compute accelerator-types list --project $P --filter="zone:(us-west1-c) AND name=nvidia-tesla-t4" --format='value(name)'
  out "" gcloud compute accelerator-types list --project $P --filter="zone:(us-west1-c) AND name=nvidia-l4" --format='value(name)'
  out "g2-standard-8" gcloud compute machine-types list --project $P --filter="zone:(us-west1-b) AND name=g2-standard-8" --format='value(name)'
  out "" gcloud compute machine-types list --project $P --filter="zone:(us-west1-c) AND name=g2-standard-8" --format='value(name)'
  out "8 nvidia-l4 1" gcloud compute machine-types describe g2-standard-8 --project $P --zone us-west1-b --format='value[separator=" "](guestCpus,accelerators[0].guestAcceleratorType,accelerators[0].guestAcceleratorCount)'
  t 1 "The resource 'projects/demo-project/zones/us-west1-c/machineTypes/g2-standard-8' was not found" gcloud compute machine-types describe g2-standard-8 --project $P --zone us-west1-c
  out $'us-west1-a\nus-west1-b\nus-west1-c' gcloud compute zones list --project $P --filter=region:us-west1 --format='value(name)'
  t 1 "does not have storage.buckets.get access to the Google Cloud Storage bucket" gcloud storage buckets describe gs://taken-bucket --format='value(name)'
  out "True" gcloud org-policies describe iam.allowedPolicyMemberDomains --project $P --effective --format='value(spec.rules[0].allowAll)'
  ctl POST seed '{"org_policies":{"iam.allowedPolicyMemberDomains":{"allowedValues":["C0abc123"]},"storage.uniformBucketLevelAccess":{"enforce":true}}}' >/dev/null
  t 0 "C0abc123" gcloud org-policies describe iam.allowedPolicyMemberDomains --project $P --effective
  out "True" gcloud org-policies describe storage.uniformBucketLevelAccess --project $P --effective --format='value(spec.rules[0].enforce)'
  t 1 "412: Request violates constraint 'constraints/storage.uniformBucketLevelAccess'" gcloud storage buckets create gs://loose-bucket --project $P --location us-west1
  t 0 "" gcloud storage buckets create gs://my-bucket --project $P --location us-west1 --uniform-bucket-level-access
  t 1 "412: One or more users named in the policy do not belong to a permitted customer" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  t 0 "" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser --member serviceAccount:$SA_EMAIL
  out "True" gcloud billing projects describe $P --format='value(billingEnabled)'
  ctl POST seed '{"billing_enabled": false}' >/dev/null
  out "False" gcloud billing projects describe $P --format='value(billingEnabled)'
  t 1 "FAILED_PRECONDITION: Billing account for project '123456789012' is not found. Billing must be enabled for activation of service\(s\) 'compute.googleapis.com' to proceed." gcloud services enable compute.googleapis.com --project $P
  t 1 "403: The billing account for the owning project is disabled in state absent" gcloud storage buckets create gs://other-bucket --project $P --location us-west1 --uniform-bucket-level-access
  t 1 "This API method requires billing to be enabled" gcloud container clusters create-auto cloud-bucket-cluster --project $P --location us-west1
  ctl POST seed '{"billing_enabled": true, "account_roles": ["roles/viewer"]}' >/dev/null
  out "roles/viewer	user:tester@example.com" gcloud projects get-iam-policy $P --flatten='bindings[].members' --filter='bindings.members:tester@example.com' --format='value(bindings.role,bindings.members)'
  t 1 "Required \"container.clusters.create\" permission\(s\) for \"projects/demo-project\"" gcloud container clusters create-auto cloud-bucket-cluster --project $P --location us-west1
  t 1 "Permission 'iam.serviceAccounts.create' denied on resource" gcloud iam service-accounts create my-iam-sa --project $P
  t 1 "PERMISSION_DENIED: Permission denied to enable service \[iamcredentials.googleapis.com\]" gcloud services enable iamcredentials.googleapis.com --project $P
  t 1 "does not have storage.buckets.setIamPolicy access" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectViewer --member serviceAccount:$SA_EMAIL
  ctl POST seed '{"account_roles": []}' >/dev/null
  t 1 "PERMISSION_DENIED|does not have permission" gcloud projects get-iam-policy $P
  control_error 400 "account_roles: expected a list of role names" seed '{"account_roles": "owner"}'
  control_error 400 "org_policies.iam.nope: unknown constraint" seed '{"org_policies": {"iam.nope": {"enforce": true}}}'
  kinds create-bucket=3 create-cluster=2
  stop_emulator
}

scenario_no_egress() {
  echo "## Private nodes without egress: pip fails as pip does; metadata, Google APIs and the bucket probe answer"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true,"privateNodes":true}],
    "buckets":[{"name":"my-bucket","location":"us-west1","uniform":true}]}' >/dev/null
  out True gcloud container clusters describe cloud-bucket-cluster --project $P --location us-west1-b --format='value(privateClusterConfig.enablePrivateNodes)'
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  raycluster default yes >"$DIR/rc.yaml"
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  t 1 "Retrying \(Retry\(total=0, .*ConnectTimeoutError.*Connection to pypi.org timed out. \(connect timeout=15\)'\)': /simple/google-cloud-storage/" \
    kubectl exec service/raycluster-mini-head-svc --namespace default -- pip install google-cloud-storage
  t 1 "ERROR: No matching distribution found for google-cloud-storage" kubectl exec service/raycluster-mini-head-svc --namespace default -- pip install google-cloud-storage
  # The standard-library probe needs no PyPI: every node passes.
  check default 0 "^head ok$"
  doctor_probe 0 '"write": \{"status": 200\}' 3
  stop_emulator
}

scenario_pool_order() {
  echo "## Members of the workload pool are refused until a cluster with Workload Identity made the pool"
  start_emulator
  t 0 "" gcloud services enable container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com --project $P
  t 0 "Created service account" gcloud iam service-accounts create my-iam-sa --project $P
  t 0 "" gcloud storage buckets create gs://my-bucket --project $P --location us-west1 --uniform-bucket-level-access
  t 0 "roles/storage.objectUser" gcloud storage buckets add-iam-policy-binding gs://my-bucket --member serviceAccount:$SA_EMAIL --role roles/storage.objectUser
  t 1 "INVALID_ARGUMENT: Identity Pool does not exist \($P.svc.id.goog\)" gcloud iam service-accounts add-iam-policy-binding $SA_EMAIL --project $P --role roles/iam.workloadIdentityUser --member "serviceAccount:$P.svc.id.goog[default/my-ksa]"
  t 1 "Identity Pool does not exist \($P.svc.id.goog\)" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  t 0 "" gcloud container clusters create cloud-bucket-cluster --project $P --zone us-west1-b --num-nodes 1 --workload-pool $P.svc.id.goog
  t 0 "Updated IAM policy" gcloud iam service-accounts add-iam-policy-binding $SA_EMAIL --project $P --role roles/iam.workloadIdentityUser --member "serviceAccount:$P.svc.id.goog[default/my-ksa]"
  t 0 "roles/storage.objectUser" gcloud storage buckets add-iam-policy-binding gs://my-bucket --role roles/storage.objectUser \
    --member principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa
  stop_emulator
}

scenario_key_login() {  # the service-account key and POST /token: a token with an expiry, which the auth plugin caches
  start_emulator
  unset CLOUDSDK_AUTH_ACCESS_TOKEN_FILE
  ctl POST seed '{"enabled_services":["container.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b"}]}' >/dev/null
  t 0 "Activated service account credentials for: \[tester@example.com\]" gcloud auth activate-service-account --key-file "$DIR/service-account.json"
  t 0 '"token_expiry": "20[0-9-]+T' gcloud config config-helper --format=json
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "default" kubectl get namespaces
  t 0 '"access_token"' cat "$DIR/gke_gcloud_auth_plugin_cache"
  holds "gcloud got its token from the token endpoint" "any(e['kind'] == 'oauth-token' and e['status'] == 200 for e in log)"
  t 0 '^\{"error": "invalid_grant", "error_description": "Invalid JWT Signature."\}$' \
    curl -s -X POST "http://127.0.0.1:$GP/token" -d 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ0ZXN0ZXJAZXhhbXBsZS5jb20ifQ.AAAA'
  t 0 '"error": "unsupported_grant_type"' curl -s -X POST "http://127.0.0.1:$GP/token" -d 'grant_type=password'
  stop_emulator
}

rayjob() {  # rayjob NAME TOKEN(yes|no) ENTRYPOINT > file: a RayJob on raycluster-mini, its submitter as my-ksa
  cat <<EOF
apiVersion: ray.io/v1
kind: RayJob
metadata:
  name: $1
  namespace: default
spec:
  entrypoint: $3
  clusterSelector:
    ray.io/cluster: raycluster-mini
  submitterPodTemplate:
    spec:
      serviceAccountName: my-ksa
      restartPolicy: Never
      containers:
      - name: ray-job-submitter
        image: rayproject/ray:2.52.0
$( [ "$2" = yes ] && printf '        env:\n        - {name: RAY_AUTH_MODE, value: token}\n        - name: RAY_AUTH_TOKEN\n          valueFrom: {secretKeyRef: {name: raycluster-mini, key: auth_token}}\n' )
EOF
}

job_ended() {  # job_ended NAME: waits (15 s at most) for the RayJob to end; prints deployment status, reason, job status
  for _ in $(seq 75); do
    case "$(kubectl get rayjob "$1" -o 'jsonpath={.status.jobDeploymentStatus}')" in Complete|Failed) break ;; esac
    sleep 0.2
  done
  kubectl get rayjob "$1" -o 'jsonpath={.status.jobDeploymentStatus}/{.status.reason}/{.status.jobStatus}'
}

scenario_rayjob() {
  echo "## RayJobs on a token-auth cluster (manual form): the submitter's 401 without the token, the job's log with it"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true}]}' >/dev/null
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "created" kubectl create secret generic raycluster-mini --from-literal=auth_token=0123456789abcdef
  cat >"$DIR/rc.yaml" <<EOF
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: raycluster-mini
  namespace: default
spec:
  rayVersion: "2.52.0"
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        serviceAccountName: my-ksa
        containers:
        - name: ray-head
          image: rayproject/ray:2.52.0
          env:
          - {name: RAY_AUTH_MODE, value: token}
          - name: RAY_AUTH_TOKEN
            valueFrom: {secretKeyRef: {name: raycluster-mini, key: auth_token}}
EOF
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  rayjob no-token no "echo hello" >"$DIR/job.yaml"
  t 0 "created" kubectl apply -f "$DIR/job.yaml"
  out "Failed/SubmissionFailed/" job_ended no-token
  t 0 "Request failed with status code 401: 401 Unauthorized" kubectl logs -l batch.kubernetes.io/job-name=no-token
  rayjob with-token yes "'echo hello from the driver; exit 3'" >"$DIR/job.yaml"
  t 0 "created" kubectl apply -f "$DIR/job.yaml"
  out "Failed/AppFailed/FAILED" job_ended with-token
  t 0 "Job entrypoint command failed with exit code 3, last available logs \(truncated to 20,000 chars\):" \
    kubectl get rayjob with-token -o 'jsonpath={.status.message}'
  t 0 "hello from the driver" kubectl logs -l batch.kubernetes.io/job-name=with-token
  echo '{"apiVersion":"ray.io/v1","kind":"RayJob","metadata":{"name":"neither"},"spec":{"entrypoint":"true"}}' >"$DIR/neither.json"
  t 1 "one of clusterSelector or rayClusterSpec must be set" kubectl create -f "$DIR/neither.json"
  stop_emulator
}

scenario_rayjob_mount() {  # a RayJob's driver and the head's bucket mount: only-dir, a write back, no access
  echo "## RayJobs on a head with the bucket mounted (only-dir=data): code from the bucket, a file written back"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com","iam.googleapis.com","iamcredentials.googleapis.com"],
    "clusters":[{"name":"cloud-bucket-cluster","location":"us-west1-b","workloadPool":"demo-project.svc.id.goog",
    "rayOperator":true,"gcsFuse":true}],"buckets":["my-bucket"]}' >/dev/null
  local member="principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/$P.svc.id.goog/subject/ns/default/sa/my-ksa"
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "created" kubectl create serviceaccount my-ksa --namespace default
  t 0 "roles/storage.objectUser" gcloud storage buckets add-iam-policy-binding gs://my-bucket --member "$member" --role roles/storage.objectUser
  mkdir -p "$DIR/src"
  printf 'import sys\nopen("/mnt/data/out/result.txt", "w").write(sys.argv[1])\nprint("wrote", sys.argv[1])\n' >"$DIR/src/train.py"
  t 0 "" gcloud storage rsync --recursive "$DIR/src" gs://my-bucket/data/code
  t 0 "" gcloud storage cp "$DIR/src/train.py" gs://my-bucket/elsewhere/train.py
  raycluster default yes | sed -e 's|^    template:$|    template:\n      metadata:\n        annotations: {gke-gcsfuse/volumes: "true"}|' >"$DIR/rc.yaml"
  cat >>"$DIR/rc.yaml" <<EOF
          volumeMounts: [{name: cluster-storage, mountPath: /mnt/data}]
        volumes:
        - name: cluster-storage
          csi: {driver: gcsfuse.csi.storage.gke.io, volumeAttributes: {bucketName: my-bucket, mountOptions: "implicit-dirs,only-dir=data"}}
EOF
  t 0 "created" kubectl apply -f "$DIR/rc.yaml"
  wait_head default 0 "condition met"
  rayjob mounted no "'mkdir -p /mnt/data/out && python /mnt/data/code/train.py 42 && ls /mnt/data'" >"$DIR/job.yaml"
  t 0 "created" kubectl apply -f "$DIR/job.yaml"
  out "Complete//SUCCEEDED" job_ended mounted
  t 0 "wrote 42" kubectl logs -l batch.kubernetes.io/job-name=mounted
  out "code out" sh -c 'kubectl logs -l batch.kubernetes.io/job-name=mounted | tail -2 | tr "\n" " " | sed "s/ $//"'
  out 42 gcloud storage cat gs://my-bucket/data/out/result.txt
  t 0 "gs://my-bucket/elsewhere/" gcloud storage ls gs://my-bucket
  # Without the identity's access the mount is not there: the path does not exist for the driver.
  t 0 "" gcloud storage buckets remove-iam-policy-binding gs://my-bucket --member "$member" --role roles/storage.objectUser
  rayjob unmounted no "'python /mnt/data/code/train.py 7'" >"$DIR/job.yaml"
  t 0 "created" kubectl apply -f "$DIR/job.yaml"
  out "Failed/AppFailed/FAILED" job_ended unmounted
  t 0 "python: can't open file '/mnt/data/code/train.py': \[Errno 2\] No such file or directory" \
    kubectl logs -l batch.kubernetes.io/job-name=unmounted
  kinds fuse-write=1
  stop_emulator
}

scenario_port_forward() {  # kubectl port-forward (SPDY through a websocket) to a Ready head: the dashboard, a drop, SPDY refused
  echo "## kubectl port-forward to the Ray head"
  start_emulator
  ctl POST seed '{"enabled_services":["container.googleapis.com"],"clusters":[{"name":"cloud-bucket-cluster",
    "location":"us-west1-b","workloadPool":"demo-project.svc.id.goog","rayOperator":true}]}' >/dev/null
  t 0 "" gcloud container clusters get-credentials cloud-bucket-cluster --project $P --location us-west1-b
  t 0 "serviceaccount/my-ksa created" kubectl create serviceaccount my-ksa --namespace default
  raycluster default yes >"$DIR/raycluster.yaml"
  t 0 "raycluster.ray.io/raycluster-mini created" kubectl apply -f "$DIR/raycluster.yaml"
  wait_head default 0 "condition met"
  local port pf rc
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  kubectl port-forward service/raycluster-mini-head-svc --address 127.0.0.1 "$port:8265" >"$DIR/pf.out" 2>"$DIR/pf.err" &
  pf=$!
  for _ in $(seq 100); do grep -q "Forwarding from" "$DIR/pf.out" && break; sleep 0.1; done
  # This RayCluster has no token auth: the dashboard answers anyone.
  out 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/version"
  out 1 /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["dropped"])' < <(ctl POST port-forward/drop '{}')
  wait "$pf"; rc=$?
  if [ "$rc" -eq 1 ] && grep -q "^error: lost connection to pod$" "$DIR/pf.err"; then echo "ok   a dropped tunnel ends kubectl"
  else FAILS=$((FAILS + 1)); echo "FAIL dropped tunnel: rc=$rc $(cat "$DIR/pf.err")"; fi
  t 1 "serves port-forward over websocket only" env KUBECTL_PORT_FORWARD_WEBSOCKETS=false \
    kubectl port-forward service/raycluster-mini-head-svc --address 127.0.0.1 "$port:8265"
  control_error 400 "mode must be close or hang" port-forward/drop '{"mode": "later"}'
  stop_emulator
}

# Nothing may touch the user's gcloud or kube config.
MARK=$(mktemp); KUBE_BEFORE=$(ls -d ~/.kube 2>/dev/null)
for s in ${@:-standard_iam_sa autopilot_direct existing_update standard_no_selector faults realistic stockout quota facts no_egress key_login pool_order rayjob rayjob_mount port_forward}; do "scenario_$s"; done
if [ -n "$(find ~/.config/gcloud -newer "$MARK" 2>/dev/null)" ] || [ "$(ls -d ~/.kube 2>/dev/null)" != "$KUBE_BEFORE" ]; then
  FAILS=$((FAILS + 1)); echo "FAIL: ~/.config/gcloud or ~/.kube was touched"
fi
rm -f "$MARK"
echo "smoke test: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
