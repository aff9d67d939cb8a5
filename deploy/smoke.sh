#!/usr/bin/env bash
# Smoke test of tandem on your own cluster (one that has Argo Workflows, Argo Events and, for the
# ML example, Kubeflow Pipelines; see docs/deploy.md). Run it from the repository's root:
#
#   TANDEM_API_TOKEN=... TANDEM_WEBHOOK_SECRET=... deploy/smoke.sh
#
# It applies a deploy/ overlay, waits for tandem serve to be ready, compiles the example project
# (examples/cluster/tandem.yaml) and applies what it compiles, then submits the examples and waits
# for each: conditional-dag through tandem's own API and as an Argo Workflow from its
# WorkflowTemplate, and, with KFP_ENDPOINT set, ml-training as a KFP run. It prints each result
# and exits non-zero if any did not succeed.
#
# Settings (environment):
#   NAMESPACE      namespace of tandem and the examples (default tandem; the overlays use tandem)
#   OVERLAY        the overlay to apply (default deploy/overlays/local-lanes)
#   BUILD          where the compiled manifests go (default build/smoke)
#   KFP_ENDPOINT   the KFP API, e.g. http://ml-pipeline.kubeflow:8888 (reachable from here: port-forward it)
#   KFP_TOKEN      a bearer token for the KFP API, if it asks for one
#   GITHUB_ORG     the organization the GitHub webhook source receives from (default example-org)
#   TIMEOUT        seconds to wait for each run (default 900)
set -euo pipefail

NAMESPACE="${NAMESPACE:-tandem}"
OVERLAY="${OVERLAY:-deploy/overlays/local-lanes}"
BUILD="${BUILD:-build/smoke}"
GITHUB_ORG="${GITHUB_ORG:-example-org}"
TIMEOUT="${TIMEOUT:-900}"
: "${TANDEM_API_TOKEN:?set TANDEM_API_TOKEN: the token the API accepts (stored in Secret tandem-secrets)}"
: "${TANDEM_WEBHOOK_SECRET:?set TANDEM_WEBHOOK_SECRET: the GitHub webhook secret (stored in Secret tandem-secrets)}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'smoke: %s\n' "$*" >&2; exit 1; }
for tool in kubectl node curl; do command -v "$tool" >/dev/null || die "$tool is needed"; done
tandem() { node bin/tandem.js "$@"; }
# One field of a JSON document on stdin, by a dot path (node is here anyway: tandem needs it).
json() { node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v?.[k];process.stdout.write(v===undefined?"":String(v))})' "$1"; }

failures=0
report() { printf '%-28s %s\n' "$1" "$2"; [ "$2" = Succeeded ] || [ "$2" = SUCCEEDED ] || failures=$((failures + 1)); }

log "namespace $NAMESPACE and Secret tandem-secrets"
kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE"
kubectl -n "$NAMESPACE" create secret generic tandem-secrets \
  --from-literal=TANDEM_API_TOKEN="$TANDEM_API_TOKEN" \
  --from-literal=TANDEM_WEBHOOK_SECRET="$TANDEM_WEBHOOK_SECRET" \
  --dry-run=client -o yaml | kubectl apply -f -

log "applying $OVERLAY"
kubectl apply -k "$OVERLAY"
kubectl -n "$NAMESPACE" rollout status deployment/tandem --timeout="${TIMEOUT}s"

pipeline_args=()
if [ -n "${KFP_ENDPOINT:-}" ]; then
  log "compiling ml-training and uploading it to KFP at $KFP_ENDPOINT"
  tandem compile examples/ml-training/workflow.yaml --target kfp -o "$BUILD"
  auth=()
  [ -n "${KFP_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $KFP_TOKEN")
  pipeline_id="$(curl -fsS "${auth[@]}" -F "uploadfile=@$BUILD/ml-training.kfp.yaml" \
    "$KFP_ENDPOINT/apis/v2beta1/pipelines/upload?name=tandem-smoke-ml-training-$(date +%s)" | json pipeline_id)"
  [ -n "$pipeline_id" ] || die "KFP did not return a pipeline id"
  pipeline_args=(--kfp-endpoint "$KFP_ENDPOINT" --kfp-pipeline "ml-training=$pipeline_id")
fi

log "compiling examples/cluster/tandem.yaml into $BUILD and applying it"
if tandem compile examples/cluster/tandem.yaml --target auto --namespace "$NAMESPACE" --github-org "$GITHUB_ORG" "${pipeline_args[@]}" -o "$BUILD"; then
  kubectl apply -k "$BUILD"
else
  # Without KFP the kubeflow-lane trigger cannot be compiled; the rest is still written.
  log "not every part compiled (see above); applying what did"
  kubectl apply -k "$BUILD"
fi

log "conditional-dag through tandem's API"
kubectl -n "$NAMESPACE" port-forward service/tandem 18080:8080 >/dev/null 2>&1 &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS http://127.0.0.1:18080/readyz >/dev/null 2>&1 && break; sleep 0.2; done
api() { curl -fsS -H "Authorization: Bearer $TANDEM_API_TOKEN" -H 'Content-Type: application/json' "$@"; }
run_id="$(api -X POST -d '{"params":{"threshold":0.5}}' http://127.0.0.1:18080/api/v1/workflows/conditional-dag/runs | json runId)"
status=Pending
for _ in $(seq "$TIMEOUT"); do
  status="$(api "http://127.0.0.1:18080/api/v1/runs/$run_id" | json status)"
  case "$status" in Succeeded | Failed | Error | Cancelled) break ;; esac
  sleep 1
done
report "tandem run $run_id" "$status"

log "conditional-dag as an Argo Workflow from its WorkflowTemplate"
workflow="$(kubectl -n "$NAMESPACE" create -o name -f - <<YAML
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: conditional-dag-smoke-
spec:
  workflowTemplateRef:
    name: conditional-dag
YAML
)"
phase=Pending
for _ in $(seq "$TIMEOUT"); do
  phase="$(kubectl -n "$NAMESPACE" get "$workflow" -o jsonpath='{.status.phase}')"
  case "$phase" in Succeeded | Failed | Error) break ;; esac
  sleep 1
done
report "${workflow#*/}" "${phase:-Pending}"

if [ -n "${KFP_ENDPOINT:-}" ]; then
  log "ml-training as a KFP run"
  kfp_run="$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"display_name\":\"tandem-smoke\",\"pipeline_version_reference\":{\"pipeline_id\":\"$pipeline_id\"}}" \
    "$KFP_ENDPOINT/apis/v2beta1/runs" | json run_id)"
  state=PENDING
  for _ in $(seq "$TIMEOUT"); do
    state="$(curl -fsS "${auth[@]}" "$KFP_ENDPOINT/apis/v2beta1/runs/$kfp_run" | json state)"
    case "$state" in SUCCEEDED | FAILED | CANCELED) break ;; esac
    sleep 1
  done
  report "kfp run $kfp_run" "$state"
fi

if [ "$failures" -gt 0 ]; then
  die "$failures run(s) did not succeed"
fi
log "all runs succeeded"
