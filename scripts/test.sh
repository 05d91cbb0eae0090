#!/usr/bin/env bash
# Sets up and runs every test suite of kars portal, then prints one line: N passed, N failed[, N skipped].
# It runs what this machine allows and says what it skipped and why. With CI=true a missing
# prerequisite is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

OUT=.ci-out/results
rm -rf "$OUT" && mkdir -p "$OUT"

if [ "${CI:-}" = "true" ]; then
  yarn install --immutable >/dev/null || { echo "yarn install failed" >&2; exit 1; }
else
  yarn install >/dev/null || { echo "yarn install failed" >&2; exit 1; }
fi

status=0

# Unit, component and integration tests of every package (jest, through the Backstage CLI).
CI=true yarn backstage-cli repo test --json --outputFile="$OUT/jest.json" || status=1

node scripts/summarize-results.js "$OUT" || status=1
exit $status
