#!/bin/bash
# Fake gcloud, kubectl, gke-gcloud-auth-plugin and helm for the tmux end-to-end test (WizardTmuxTests).
# One script, installed under each tool's name. State lives in $FAKE_STATE (files per created resource),
# so a probe answers "done" after its create. While $FAKE_STATE/FAIL_BUCKET exists, creating a bucket
# fails with a permission error; while $FAKE_STATE/FLOOD exists, creating a cluster prints lines without
# pause. Every call is appended to $FAKE_STATE/calls.log. Nothing else is touched.
set -u
tool=${0##*/}
state=${FAKE_STATE:?FAKE_STATE is not set}
mkdir -p "$state/res"
echo "$tool $*" >> "$state/calls.log"
has() { [ -e "$state/res/$1" ]; }
mark() { printf '%s\n' "${2:-$1}" > "$state/res/$1"; }
value() { cat "$state/res/$1"; }
# The value after a flag, e.g. arg --member "$@".
arg() { local flag=$1; shift; while [ $# -gt 0 ]; do [ "$1" = "$flag" ] && { echo "$2"; return; }; shift; done; }
notfound() { echo "ERROR: ($tool) NOT_FOUND: $1 was not found" >&2; exit 1; }

case "$tool" in
gke-gcloud-auth-plugin)
  echo "Kubernetes v1.30.0+fake" ;;
helm)
  echo "v3.15.0+fake" ;;
gcloud)
  all="$*"
  case "$all" in
    --version) echo "Google Cloud SDK 999.0.0 (fake)" ;;
    "config get-value account") echo "tester@example.com" ;;
    "config get-value "*) echo "(unset)" ;;
    "config list --format json") echo '{"core": {"account": "tester@example.com"}}' ;;
    "projects describe "*projectNumber*) echo "123456789" ;;
    "projects describe "*) echo "$3" ;;
    "services list "*) has apis && printf '%s\n' container.googleapis.com storage.googleapis.com iamcredentials.googleapis.com ;;
    "services enable "*) sleep 0.2; echo "Operation finished successfully." >&2; mark apis ;;
    "container clusters describe "*"value(status)"*) has cluster && echo RUNNING || notfound "cluster $4" ;;
    "container clusters describe "*) has cluster && value cluster || notfound "cluster $4" ;;
    "container clusters create "*)
      # While $FAKE_STATE/FLOOD exists, print numbered lines as fast as possible; the count goes to FLOODED.
      if [ -e "$state/FLOOD" ]; then
        n=0
        while [ -e "$state/FLOOD" ]; do
          awk -v s=$n 'BEGIN { for (i = s; i < s + 100000; i++) print "flood line " i }'
          n=$((n + 100000))
        done
        echo "$n" > "$state/FLOODED"
      fi
      for i in 1 2 3; do echo "Creating cluster $4... ($i)" >&2; sleep 0.1; done
      mark cluster "$4"; echo "NAME: $4" ;;
    "container clusters get-credentials "*) echo "kubeconfig entry generated for $4." >&2 ;;
    "iam service-accounts describe "*) has iamsa && value iamsa || notfound "service account $4" ;;
    "iam service-accounts create "*)
      project=$(arg --project "$@"); mark iamsa "$4@$project.iam.gserviceaccount.com"; echo "Created service account [$4]." >&2 ;;
    "iam service-accounts get-iam-policy "*) has wibinding && value wibinding ;;
    "iam service-accounts add-iam-policy-binding "*) mark wibinding "$(arg --member "$@")"; echo "Updated IAM policy for serviceAccount [$4]." >&2 ;;
    "storage buckets describe "*) has bucket && value bucket || notfound "bucket $4" ;;
    "storage buckets create "*)
      if [ -e "$state/FAIL_BUCKET" ]; then
        echo "Creating $4..." >&2
        echo "ERROR: (gcloud.storage.buckets.create) HTTPError 403: tester@example.com does not have storage.buckets.create access to the Google Cloud project. Permission 'storage.buckets.create' denied on resource (or it may not exist)." >&2
        exit 1
      fi
      mark bucket "${4#gs://}"; echo "Creating $4..." >&2 ;;
    "storage buckets get-iam-policy "*) has bucketbinding && value bucketbinding ;;
    "storage buckets add-iam-policy-binding "*) mark bucketbinding "$(arg --role "$@") $(arg --member "$@")"; echo "bindings updated" ;;
    *) echo "fake gcloud: unexpected call: gcloud $all" >&2; exit 2 ;;
  esac ;;
kubectl)
  # The plan names the cluster's kubeconfig context on every call; this fake serves one cluster.
  args=(); while [ $# -gt 0 ]; do if [ "$1" = "--context" ]; then shift 2; continue; fi; args+=("$1"); shift; done
  set -- "${args[@]}"
  case "$*" in
    "version --client"*) echo "Client Version: v1.32.0+fake" ;;
    "get crd "*go-template*) echo "raycluster.yaml" ;;
    "get crd "*) echo "v1" ;;
    "get serviceaccount "*jsonpath*) has annotation && value annotation ;;
    "get serviceaccount "*) has ksa && echo "serviceaccount/$3" || notfound "serviceaccount $3" ;;
    "create serviceaccount "*) mark ksa; echo "serviceaccount/$3 created" ;;
    "annotate serviceaccount "*) last=${!#}; mark annotation "${last#*=}"; echo "serviceaccount/$3 annotated" ;;
    "apply -f "*) echo "raycluster.ray.io/raycluster created" ;;
    "wait pod "*) echo "pod/raycluster-head condition met" ;;
    exec*" python -c "*) echo "wrote gs://${@: -3:1}/${@: -2:1}/" >&2
      printf 'headgroup raycluster-mini-head-x7k2p ok\nworkers raycluster-mini-workers-worker-9qz4d ok\nhead ok, workers-9qz4d ok\n' ;;
    *) echo "fake kubectl: unexpected call: kubectl $*" >&2; exit 2 ;;
  esac ;;
*) echo "fake: unknown tool $tool" >&2; exit 2 ;;
esac
