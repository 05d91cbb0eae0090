#!/usr/bin/env bash
# Sets up and starts the dev portal: the app on http://localhost:3000 and the backend on :7007.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
yarn install
exec yarn start "$@"
