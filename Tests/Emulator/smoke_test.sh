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

start_emulator() {  # starts a fresh emulator and loads its hermetic.env
  DIR=$(mktemp -d /tmp/kuberay-emu.XXXXXX)
  /usr/bin/python3 "$HERE/emulator.py" --state-dir "$DIR" --max-lifetime 900 >"$DIR/stdout" 2>"$DIR/stderr" &
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

CHECK_SCRIPT='# kuberay-gcs-wizard bucket check
import sys
from google.cloud import storage
bucket, name, text = sys.argv[1:4]
blob = storage.Client().bucket(bucket).blob(name)
blob.upload_from_string(text)
print(blob.download_as_text())'

check() {  # check NAMESPACE WANT_RC REGEX
  t "$2" "$3" kubectl exec service/raycluster-mini-head-svc --namespace "$1" -- python -c "$CHECK_SCRIPT" my-bucket smoke "hello-from-$1"
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
  t 1 "ModuleNotFoundError" kubectl exec service/raycluster-mini-head-svc --namespace default -- python -c "import google.cloud.storage"
  t 0 "Successfully installed google-cloud-storage" kubectl exec service/raycluster-mini-head-svc --namespace default -- pip install google-cloud-storage
  t 0 "" kubectl exec service/raycluster-mini-head-svc --namespace default -- python -c "import google.cloud.storage"
  # Broken chain 1: no workloadIdentityUser binding on the IAM SA yet.
  check default 1 "iam.serviceAccounts.getAccessToken' denied"
  t 0 "Updated IAM policy" gcloud iam service-accounts add-iam-policy-binding $SA_EMAIL --project $P --role roles/iam.workloadIdentityUser --member "serviceAccount:$P.svc.id.goog[default/my-ksa]"
  out "serviceAccount:$P.svc.id.goog[default/my-ksa]" gcloud iam service-accounts get-iam-policy $SA_EMAIL --project $P --flatten='bindings[].members' --filter=bindings.role:roles/iam.workloadIdentityUser --format='value(bindings.members)'
  # Broken chain 2: no bucket binding yet.
  check default 1 "Forbidden: 403 POST https://storage.googleapis.com/upload/storage/v1/b/my-bucket/o"
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
  t 0 "" kubectl exec service/raycluster-mini-head-svc --namespace ray-ns -- pip install google-cloud-storage
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
  t 0 "" kubectl exec service/raycluster-mini-head-svc --namespace default -- pip install google-cloud-storage
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
  t 0 "" kubectl exec service/raycluster-mini-head-svc --namespace default -- pip install google-cloud-storage
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

# Nothing may touch the user's gcloud or kube config.
MARK=$(mktemp); KUBE_BEFORE=$(ls -d ~/.kube 2>/dev/null)
for s in ${@:-standard_iam_sa autopilot_direct existing_update standard_no_selector faults}; do "scenario_$s"; done
if [ -n "$(find ~/.config/gcloud -newer "$MARK" 2>/dev/null)" ] || [ "$(ls -d ~/.kube 2>/dev/null)" != "$KUBE_BEFORE" ]; then
  FAILS=$((FAILS + 1)); echo "FAIL: ~/.config/gcloud or ~/.kube was touched"
fi
rm -f "$MARK"
echo "smoke test: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
