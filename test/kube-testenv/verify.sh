#!/usr/bin/env bash
# Smoke test of the control plane: builds (or reuses) kube-testenv, starts it,
# checks what the integration tests rely on, stops it with SIGTERM.
#   bash test/kube-testenv/verify.sh          (KUBECTL=/path/to/kubectl to pick a kubectl)
# Ends with "N passed, N failed"; exit status 0 only if nothing failed.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$(bash "$HERE/build.sh" | tail -1) || { echo "build failed"; exit 1; }
KUBECTL=${KUBECTL:-$(command -v kubectl || true)}
[[ -x "$KUBECTL" ]] || { echo "no kubectl (set KUBECTL, or: build.sh --with-kubectl)"; exit 1; }

export KT_DIR=$(mktemp -d /tmp/kt-verify.XXXXXX)
PASS=0; FAIL=0
ok()   { PASS=$((PASS+1)); echo "ok   - $*"; }
bad()  { FAIL=$((FAIL+1)); echo "FAIL - $*"; }
k()    { "$KUBECTL" --kubeconfig "$KT_DIR/admin.kubeconfig" "$@"; }
# poll <seconds> <command...>: retry until the command succeeds
poll() { local t=$1; shift; local end=$((SECONDS+t)); until "$@" >/dev/null 2>&1; do ((SECONDS>=end)) && return 1; sleep 0.5; done; }

T0=$(date +%s.%N)
"$BIN" >"$KT_DIR/launcher.out" 2>"$KT_DIR/launcher.err" &
LPID=$!
trap 'kill -TERM $LPID 2>/dev/null; wait $LPID 2>/dev/null; rm -rf "$KT_DIR"' EXIT
for _ in $(seq 1 600); do [[ -f "$KT_DIR/ready.json" ]] && break; kill -0 $LPID 2>/dev/null || break; sleep 0.1; done
if [[ ! -f "$KT_DIR/ready.json" ]]; then
  echo "launcher did not become ready:"; cat "$KT_DIR/launcher.err"; exit 1
fi
echo "ready in $(printf '%.1f' "$(echo "$(date +%s.%N) - $T0" | bc)")s: $(head -1 "$KT_DIR/launcher.out")"
KCM_PID=$(sed -n 's/.*"controllerManager": \([0-9]*\).*/\1/p' "$KT_DIR/ready.json")

V=$(k get --raw /version | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p')
[[ "$V" == v1.36.* ]] && ok "server version $V" || bad "server version '$V'"
k get ns default >/dev/null && ok "kubectl get ns" || bad "kubectl get ns"

# serviceaccount + root-ca-certificate-publisher controllers
k create ns kt-a >/dev/null
poll 30 k -n kt-a get sa default && ok "default ServiceAccount created in a new namespace" || bad "no default ServiceAccount"
poll 30 k -n kt-a get cm kube-root-ca.crt && ok "kube-root-ca.crt published" || bad "no kube-root-ca.crt"

# TokenRequest
k -n kt-a create sa robot >/dev/null
TOKEN=$(k -n kt-a create token robot --duration=1h 2>/dev/null)
WHO=$("$KUBECTL" --server "$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')" \
  --certificate-authority "$KT_DIR/ca.crt" --token "$TOKEN" auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1)
[[ "$WHO" == system:serviceaccount:kt-a:robot ]] && ok "kubectl create token + auth whoami ($WHO)" || bad "token: '$WHO'"

# serviceaccount-token controller (legacy token Secret gets filled)
k -n kt-a apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata: {name: robot-token, annotations: {kubernetes.io/service-account.name: robot}}
type: kubernetes.io/service-account-token
EOF
has_token() { [[ -n "$(k -n kt-a get secret robot-token -o jsonpath='{.data.token}')" ]]; }
poll 30 has_token && ok "legacy SA token Secret populated" || bad "legacy SA token Secret not populated"

# garbage collector
k -n kt-a create cm owner >/dev/null
UID_=$(k -n kt-a get cm owner -o jsonpath='{.metadata.uid}')
k -n kt-a apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: dependent
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: "$UID_"}]
EOF
k -n kt-a delete cm owner >/dev/null
gone() { ! k "$@" >/dev/null 2>&1; }
poll 60 gone -n kt-a get cm dependent && ok "GC deleted the dependent ConfigMap" || bad "dependent ConfigMap still there"

# clusterrole aggregation
k apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kt-aggregate}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {kt-aggregate: "true"}}]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kt-part, labels: {kt-aggregate: "true"}}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
EOF
has_rules() { [[ -n "$(k get clusterrole "$1" -o jsonpath='{.rules}')" ]]; }
poll 30 has_rules kt-aggregate && ok "aggregated ClusterRole filled" || bad "aggregated ClusterRole empty"
has_rules admin && ok "built-in 'admin' ClusterRole has rules" || bad "'admin' ClusterRole empty"

# ValidatingAdmissionPolicy (CEL)
k apply -f - >/dev/null <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: kt-no-forbidden}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]
  validations:
  - expression: "!has(object.data) || !('forbidden' in object.data)"
    message: "kt: key 'forbidden' is not allowed"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: kt-no-forbidden}
spec:
  policyName: kt-no-forbidden
  validationActions: [Deny]
  matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kt-a}}}
EOF
denied() { local out; out=$(k -n kt-a create cm "probe-$RANDOM" --from-literal=forbidden=1 2>&1); [[ "$out" == *"key 'forbidden' is not allowed"* ]]; }
poll 30 denied && ok "ValidatingAdmissionPolicy denies (CEL)" || bad "ValidatingAdmissionPolicy not enforced"
k -n kt-a create cm allowed --from-literal=fine=1 >/dev/null 2>&1 && ok "ValidatingAdmissionPolicy admits valid object" \
  || bad "valid ConfigMap rejected"
typechecked() { [[ -n "$(k get validatingadmissionpolicy kt-no-forbidden -o jsonpath='{.status.observedGeneration}')" ]]; }
poll 30 typechecked && ok "VAP status written (validatingadmissionpolicy-status-controller)" || bad "VAP status empty"

# CRD
k apply -f - >/dev/null <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.kt.example.com}
spec:
  group: kt.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties: {size: {type: integer, minimum: 1}}
            x-kubernetes-validations: [{rule: "self.size <= 10", message: "too big"}]
EOF
k wait --for condition=Established crd/widgets.kt.example.com --timeout=60s >/dev/null && ok "CRD Established" || bad "CRD not Established"
mkw() { k -n kt-a apply -f - <<EOF
apiVersion: kt.example.com/v1
kind: Widget
metadata: {name: $1}
spec: {size: $2}
EOF
}
poll 30 mkw w1 3 && k -n kt-a get widget w1 >/dev/null && ok "custom resource created" || bad "custom resource not created"
OUT=$(mkw w2 11 2>&1); [[ "$OUT" == *"too big"* ]] && ok "CRD CEL x-kubernetes-validations enforced" || bad "CRD CEL rule not enforced"

# namespace controller
k delete ns kt-a --wait=false >/dev/null
poll 90 gone get ns kt-a && ok "namespace deleted (contents finalized)" || bad "namespace kt-a still $(k get ns kt-a -o jsonpath='{.status.phase}')"

# shutdown
T1=$(date +%s.%N)
kill -TERM $LPID; wait $LPID; RC=$?
echo "stopped in $(printf '%.1f' "$(echo "$(date +%s.%N) - $T1" | bc)")s"
[[ $RC == 0 ]] && ok "SIGTERM: launcher exited 0" || bad "SIGTERM: launcher exited $RC"
sleep 0.5
if kill -0 "$KCM_PID" 2>/dev/null; then bad "kube-controller-manager $KCM_PID still running"; else ok "kube-controller-manager stopped"; fi
[[ ! -f "$KT_DIR/ready.json" ]] && ok "ready.json removed on exit" || bad "ready.json left behind"
echo "--- launcher stderr ---"; cat "$KT_DIR/launcher.err"
echo "$PASS passed, $FAIL failed"
[[ $FAIL == 0 ]]
