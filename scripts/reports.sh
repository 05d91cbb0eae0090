#!/usr/bin/env bash
# The API reports (report.api.md, report-alpha.api.md: API Extractor) and the knip reports
# (knip-report.md: unused dependencies) of every publishable package (scripts/publishable-packages.js).
#   bash scripts/reports.sh           regenerate them; commit them with the change that moved them
#   bash scripts/reports.sh --ci      fail when a committed report is out of date (.ci/run's lint phase)
# The declarations are always compiled for the report (repo-tools' --tsc, over these packages only):
# an inferred type prints its union members in the order the compiled program met them, so
# declarations from another compile (`yarn tsc:full` over the whole repository) may order them
# differently.
# Omitted API Extractor messages, as in Backstage's own repositories: ae-wrong-input-file-type (in the
# workspace a package's types are its src/*.ts, not .d.ts) and ae-undocumented (undocumented members
# show as "(undocumented)" in the report instead). Every other warning fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

mapfile -t packages < <(node scripts/publishable-packages.js)
yarn backstage-repo-tools api-reports --tsc "$@" \
  --omit-messages ae-wrong-input-file-type,ae-undocumented --validate-release-tags "${packages[@]}"
knip_args=()
[[ " $* " == *" --ci "* ]] && knip_args+=(--ci)
yarn backstage-repo-tools knip-reports "${knip_args[@]}" "${packages[@]}"
