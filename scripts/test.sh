#!/usr/bin/env bash
# Sets up and runs every test suite of kars portal, then prints one line: N passed, N failed[, N skipped].
# It runs what this machine allows and says what it skipped and why. With CI=true a missing
# prerequisite is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

OUT=.ci-out/results
rm -rf "$OUT" .ci-out/contract && mkdir -p "$OUT"
CI_MODE=false
[ "${CI:-}" = "true" ] && CI_MODE=true
reasons=()
missing=0

if [ "$CI_MODE" = true ]; then
  yarn install --immutable >/dev/null || { echo "yarn install failed" >&2; exit 1; }
else
  yarn install >/dev/null || { echo "yarn install failed" >&2; exit 1; }
fi

# A real kube-apiserver (with etcd and kube-controller-manager) built from Go modules; cached.
if command -v go >/dev/null 2>&1; then
  # kubectl of the server's version too: the acceptance suite and the kubectl session use it.
  if testenv_out=$(bash test/kube-testenv/build.sh --with-kubectl); then
    printf '%s\n' "$testenv_out" >&2
    KARS_KUBECTL=$(printf '%s\n' "$testenv_out" | sed -n 's/^kubectl: //p' | tail -1)
    export KARS_KUBECTL
  else
    reasons+=("real kube-apiserver tests: the kube-testenv build failed")
    missing=1
  fi
else
  reasons+=("real kube-apiserver tests: no Go toolchain (Go 1.26 builds test/kube-testenv)")
  missing=1
  export KARS_KUBE_TESTENV=off
fi

# Debian's Chromium for the end-to-end tests (Playwright's own browser download cannot be used).
CHROMIUM=${KARS_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  reasons+=("end-to-end tests: no Chromium at $CHROMIUM (apt-get install chromium, or set KARS_CHROMIUM)")
  missing=1
fi

# Root with iptables in a network namespace, for the egress-guard rules run for real.
if [ "$(id -u)" != 0 ] || ! command -v iptables-restore >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1 ||
  ! printf '*filter\nCOMMIT\n' | unshare -n iptables-restore --test >/dev/null 2>&1; then
  reasons+=("egress-guard rules in a network namespace: needs root, iptables, iproute2 and unshare")
  missing=1
  export KARS_NETNS_TESTS=off
fi

# PostgreSQL for the database tests.
kars_pg_start
if [ -n "${KARS_PG_SKIP_REASON:-}" ]; then
  reasons+=("PostgreSQL database tests: $KARS_PG_SKIP_REASON")
  missing=1
fi
trap kars_pg_stop EXIT

status=0
if [ "$CI_MODE" = true ] && [ "$missing" = 1 ]; then
  printf 'missing prerequisite with CI=true: %s\n' "${reasons[@]}" >&2
  status=1
fi

# Unit, component and integration tests of every package (jest, through the Backstage CLI): the
# contract suite on the emulator and the real control plane, the backend on both, the frontend.
start=$SECONDS
CI=true yarn backstage-cli repo test --json --outputFile="$OUT/jest.json" || status=1
echo "unit, component and integration tests took $((SECONDS - start))s"

# End to end, in Chromium, then the outside-in acceptance suite (test/acceptance: HTTP and the
# cluster only), against one dev portal started as the README says (scripts/dev.sh): the Playwright
# config starts it on :3000/:7007, or outside CI reuses one already running there. Without Chromium
# only the acceptance suite runs.
start=$SECONDS
projects=()
[ -x "$CHROMIUM" ] || projects=(--project acceptance)
if ! KARS_CHROMIUM="$CHROMIUM" yarn workspace @kars-portal/e2e e2e "${projects[@]}"; then
  status=1
  [ -f "$OUT/e2e.json" ] || node -e 'console.log(JSON.stringify({suite: "e2e and acceptance", failed: 1}))' > "$OUT/e2e-crash.json"
fi
echo "end-to-end and acceptance tests took $((SECONDS - start))s (portal log: .ci-out/e2e-portal.log)"

if [ ${#reasons[@]} -gt 0 ]; then
  node -e 'console.log(JSON.stringify({suite: "prerequisites", reasons: process.argv.slice(1)}))' \
    "${reasons[@]}" > "$OUT/prerequisites.json"
fi
node scripts/summarize-results.js "$OUT" || status=1
exit $status
