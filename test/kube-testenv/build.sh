#!/usr/bin/env bash
# Build (or reuse) the kube-testenv binary; the last line of stdout is its path:
#   BIN=$(bash test/kube-testenv/build.sh | tail -1)
# It also builds kube-scheduler of the same version next to it and kwok (sigs.k8s.io/kwok, the
# module in kwok/) into the same cache, for startKubeTestenv({ kwok: true }); their paths are
# printed as "kube-scheduler: <path>" and "kwok: <path>".
# Options:
#   --print-path       print where the binary is/would be, build nothing (exit 0 either way)
#   --print-kwok-paths print where kube-scheduler and kwok are/would be, build nothing
#   --with-kubectl     also build kubectl of the same version next to it
#                      (env KT_WITH_KUBECTL=1; its path is printed as "kubectl: <path>")
# Env: KT_CACHE (default ~/.cache/kars-portal/kube-testenv). Go's module and
# build caches stay at Go's defaults (~/go/pkg/mod, ~/.cache/go-build).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
export PATH="/usr/local/go/bin:$PATH"   # Go >= 1.26 is required (go.mod: go 1.26)

PRINT_PATH=0
PRINT_KWOK=0
WITH_KUBECTL=${KT_WITH_KUBECTL:-0}
for a in "$@"; do
  case "$a" in
    --print-path) PRINT_PATH=1 ;;
    --print-kwok-paths) PRINT_KWOK=1 ;;
    --with-kubectl) WITH_KUBECTL=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

K8S_VERSION=$(awk '$1=="k8s.io/kubernetes" && $2 ~ /^v1\./ {print $2} $1=="require" && $2=="k8s.io/kubernetes" {print $3}' go.mod | head -1)   # e.g. v1.36.5
[[ "$K8S_VERSION" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { echo "build.sh: cannot read k8s.io/kubernetes version from go.mod" >&2; exit 1; }
K8S_MINOR=${BASH_REMATCH[1]}

GOVERSION=$(go env GOVERSION 2>/dev/null || echo none)
V=${GOVERSION#go}; MAJ=${V%%.*}; REST=${V#*.}; MIN=${REST%%[.a-z]*}
if [[ "$GOVERSION" == none ]] || (( MAJ < 1 || (MAJ == 1 && MIN < 26) )); then
  echo "build.sh: needs Go >= 1.26 (found: $GOVERSION); install it at /usr/local/go" >&2
  exit 1
fi

VPKGS="k8s.io/component-base/version k8s.io/client-go/pkg/version"
LDFLAGS="-s -w"
for p in $VPKGS; do
  LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR -X $p.gitTreeState=clean"
done

# Cache key: the sources, the build flags and the Go version.
HASH=$( {
  for f in go.mod go.sum $(ls -1 *.go | LC_ALL=C sort); do printf '== %s\n' "$f"; cat "$f"; done
  printf '== flags\n-trimpath -buildvcs=false %s\n== go\n%s\n' "$LDFLAGS" "$GOVERSION"
} | sha256sum | cut -c1-16)
CACHE=${KT_CACHE:-$HOME/.cache/kars-portal/kube-testenv}
OUT="$CACHE/$K8S_VERSION-$HASH"
BIN="$OUT/kube-testenv"
SCHEDULER="$OUT/kube-scheduler"

# kwok: its own module (kwok/go.mod pins sigs.k8s.io/kwok and the k8s.io modules it was released
# with), keyed like kube-testenv by its sources, the flags and the Go version.
KWOK_VERSION=$(awk '$1=="sigs.k8s.io/kwok" {print $2}' kwok/go.mod | head -1)
KWOK_HASH=$( {
  for f in kwok/go.mod kwok/go.sum $(ls -1 kwok/*.go | LC_ALL=C sort); do printf '== %s\n' "$f"; cat "$f"; done
  printf '== flags\n-trimpath -buildvcs=false -s -w\n== go\n%s\n' "$GOVERSION"
} | sha256sum | cut -c1-16)
KWOK="$CACHE/kwok-$KWOK_VERSION-$KWOK_HASH/kwok"

if (( PRINT_PATH )); then
  echo "$BIN"
  exit 0
fi
if (( PRINT_KWOK )); then
  echo "kube-scheduler: $SCHEDULER"
  echo "kwok: $KWOK"
  exit 0
fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9 2>/dev/null || true   # concurrent build.sh runs wait for each other

build() {   # build <package> <output>
  local tmp="$2.tmp.$$"
  go build -trimpath -buildvcs=false -ldflags "$LDFLAGS" -o "$tmp" "$1"
  mv -f "$tmp" "$2"
}

if [[ -x "$BIN" ]]; then
  echo "kube-testenv: cached ($BIN)"
else
  # "cold" = k8s.io/api/core/v1 is not in Go's build cache yet (a fresh machine).
  STALE=$(go list -trimpath -f '{{.Stale}}' k8s.io/api/core/v1 2>/dev/null || echo true)
  [[ "$STALE" == true ]] && KIND=cold || KIND=warm
  T0=$(date +%s)
  build . "$BIN"
  echo "kube-testenv: built in $(( $(date +%s) - T0 ))s ($KIND go cache)"
fi

if [[ ! -x "$SCHEDULER" ]]; then
  T0=$(date +%s)
  build k8s.io/kubernetes/cmd/kube-scheduler "$SCHEDULER"
  echo "kube-scheduler: built in $(( $(date +%s) - T0 ))s"
fi
echo "kube-scheduler: $SCHEDULER"

mkdir -p "$(dirname "$KWOK")"
if [[ ! -x "$KWOK" ]]; then
  T0=$(date +%s)
  ( cd kwok && go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$KWOK.tmp.$$" . ) && mv -f "$KWOK.tmp.$$" "$KWOK"
  echo "kwok: built in $(( $(date +%s) - T0 ))s"
fi
echo "kwok: $KWOK"

if [[ "$WITH_KUBECTL" == 1 ]]; then
  if [[ ! -x "$OUT/kubectl" ]]; then
    T0=$(date +%s)
    build k8s.io/kubernetes/cmd/kubectl "$OUT/kubectl"
    echo "kubectl: built in $(( $(date +%s) - T0 ))s"
  fi
  echo "kubectl: $OUT/kubectl"
fi
echo "$BIN"
