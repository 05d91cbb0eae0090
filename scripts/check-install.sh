#!/usr/bin/env bash
# Installs the publishable packages, packed as they would be published, into a fresh Backstage app
# made by @backstage/create-app, and starts that app's backend with the kars plugin on a real
# kube-apiserver (test/kube-testenv). It passes when:
#   - every tarball installs (no @kars-portal package comes from the registry, so a dependency on a
#     private package, such as the emulator, fails here);
#   - no package outside the publishable ones is in the app's dependency tree (the emulator above all),
#     checked with `yarn why` and the app's node_modules;
#   - the backend starts with the kars plugin and its catalog and scaffolder modules, and
#     GET /api/kars/cluster names the kubeconfig cluster with its KarsSandbox cache synced.
# Each phase prints its time; the last line is "check-install: passed" or "check-install: FAILED (...)".
#
#   bash scripts/check-install.sh              the working tree (tracked and untracked files)
#   bash scripts/check-install.sh --ref HEAD   a commit instead
#   bash scripts/check-install.sh --keep       keep the work folder (the copy, the tarballs, the app)
#
# Nothing is written to the repository: the packages are built and packed in a copy under the work
# folder (mktemp under ${TMPDIR:-/tmp}), whose node_modules are hard links of the repository's when
# they share a file system. Caches stay outside the repository: npm's (~/.npm, create-app), Yarn's
# global cache (~/.yarn/berry/cache, the app's install), kube-testenv's
# (~/.cache/kars-portal/kube-testenv) and the compiled SQLite addon
# (${XDG_CACHE_HOME:-~/.cache}/kars-portal/check-install). Needs the npm registry; Go only when
# the kube-testenv binary is not cached yet (test/kube-testenv/build.sh builds it).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
REPO=$PWD

REF=
KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --ref) REF=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "check-install: unknown argument $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kars-check-install.XXXXXX")
SRC=$WORK/src
APP=$WORK/app
TARBALLS=$WORK/tarballs
KT_DIR=$WORK/kube-testenv
mkdir -p "$SRC" "$TARBALLS" "$KT_DIR"
BACKEND_PID=
TESTENV_PID=

cleanup() {
  [ -n "$BACKEND_PID" ] && kill -TERM -- "-$BACKEND_PID" 2>/dev/null && wait "$BACKEND_PID" 2>/dev/null
  [ -n "$TESTENV_PID" ] && kill -TERM -- "-$TESTENV_PID" 2>/dev/null && wait "$TESTENV_PID" 2>/dev/null
  if [ "$KEEP" = 1 ]; then echo "check-install: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

declare -a PHASES=()
run_phase() {
  local name=$1; shift
  local start=$SECONDS
  echo "::: check-install phase $name"
  "$@"
  local rc=$?
  PHASES+=("$(printf '%-10s %5ss  %s' "$name" $((SECONDS - start)) "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")")")
  return $rc
}
finish() {
  echo "::: check-install phase durations"
  printf '%s\n' "${PHASES[@]}"
  if [ "$1" = 0 ]; then echo "check-install: passed"; else echo "check-install: FAILED ($2)"; fi
  exit "$1"
}

# The working tree (or a commit) in $SRC, with the repository's installed dependencies.
copy_repo() {
  if [ -n "$REF" ]; then
    git archive "$REF" | tar -x -C "$SRC" || return 1
  else
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -x -C "$SRC" || return 1
  fi
  if cmp -s yarn.lock "$SRC/yarn.lock"; then
    # The same dependencies: the repository's install, as hard links where the file system allows.
    local dirs=(node_modules packages/*/node_modules plugins/*/node_modules test/*/node_modules)
    local d
    for d in "${dirs[@]}"; do
      [ -d "$d" ] && [ -d "$SRC/$(dirname "$d")" ] || continue
      cp -al "$d" "$SRC/$d" 2>/dev/null || cp -a "$d" "$SRC/$d" || return 1
    done
  else
    # Another lockfile (another commit): an install of its own, never writing to the repository's.
    (cd "$SRC" && yarn install --immutable --mode=skip-build >"$WORK/src-install.log" 2>&1) || {
      tail -20 "$WORK/src-install.log"; return 1; }
  fi
}

# dist/ of every publishable package: their declarations first (tsc over their sources, tests
# aside: what they publish, not the rest of the repository), then each package's build.
build() {
  mapfile -t PACKAGES < <(node "$REPO/scripts/publishable-packages.js" "$SRC")
  echo "publishable: ${PACKAGES[*]}"
  node -e '
    const [file, ...dirs] = process.argv.slice(1);
    const include = dirs.flatMap(d => [`${d}/src`, `${d}/config.d.ts`]);
    const exclude = ["node_modules", "**/*.test.ts", "**/*.test.tsx", "**/__testUtils__/**", "**/setupTests.ts"];
    require("fs").writeFileSync(file, JSON.stringify({ extends: "./tsconfig.json", include, exclude }, null, 2));
  ' "$SRC/tsconfig.check-install.json" "${PACKAGES[@]}" || return 1
  (cd "$SRC" && yarn tsc -p tsconfig.check-install.json) || return 1
  local dir
  for dir in "${PACKAGES[@]}"; do
    (cd "$SRC/$dir" && yarn backstage-cli package build) || return 1
  done
}

# One tarball per package, as `yarn npm publish` would make it (prepack, then postpack).
pack() {
  local dir
  for dir in "${PACKAGES[@]}"; do
    (cd "$SRC/$dir" && yarn pack --out "$TARBALLS/%s-%v.tgz") || return 1
  done
  ls -l "$TARBALLS"
}

create_app() {
  (cd "$WORK" && BACKSTAGE_APP_NAME=kars-check npx --yes @backstage/create-app@latest \
    --skip-install --path app) >"$WORK/create-app.log" 2>&1 || { tail -20 "$WORK/create-app.log"; return 1; }
  echo "create-app: Backstage $(node -pe 'require(process.argv[1]).version' "$APP/backstage.json")"
  # create-app seeds the app's yarn.lock from GitHub. Without the seed (no network but the npm
  # registry) every ^ range resolves to its newest version, and plugins of a later release than
  # backstage.json's (signals-backend wanting the WebSocket routes of backend-defaults 0.19) stop
  # the app's own backend; its backend-defaults then goes to its newest version too.
  if grep -q 'Failed to fetch the yarn.lock seed' "$WORK/create-app.log"; then
    local latest
    latest=$(npm view @backstage/backend-defaults version) || return 1
    (cd "$APP/packages/backend" &&
      node -e 'const f="package.json";const p=require("./"+f);p.dependencies["@backstage/backend-defaults"]=process.argv[1];require("fs").writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "^$latest") || return 1
    echo "no yarn.lock seed: the app's @backstage/backend-defaults is ^$latest"
  fi
}

# file: dependencies on the tarballs in the app's backend and frontend; resolutions send every
# @kars-portal dependency of a tarball to its tarball too, so none comes from the registry.
wire() {
  TARBALLS=$TARBALLS APP=$APP node - <<'EOF' || return 1
const fs = require('node:fs');
const path = require('node:path');
const { TARBALLS, APP } = process.env;
const tarballs = {};
for (const file of fs.readdirSync(TARBALLS)) {
  const { execFileSync } = require('node:child_process');
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOzf', path.join(TARBALLS, file), 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  tarballs[manifest.name] = { file: `file:${path.join(TARBALLS, file)}`, manifest };
}
const edit = (file, fn) => {
  const p = path.join(APP, file);
  const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
  fn(pkg);
  fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + '\n');
};
const roles = name => tarballs[name].manifest.backstage?.role;
edit('package.json', pkg => {
  pkg.resolutions = { ...pkg.resolutions };
  for (const [name, { file }] of Object.entries(tarballs)) pkg.resolutions[name] = file;
});
edit('packages/backend/package.json', pkg => {
  for (const name of Object.keys(tarballs)) {
    if (/^backend-plugin/.test(roles(name))) pkg.dependencies[name] = tarballs[name].file;
  }
});
edit('packages/app/package.json', pkg => {
  for (const name of Object.keys(tarballs)) {
    if (roles(name) === 'frontend-plugin') pkg.dependencies[name] = tarballs[name].file;
  }
});
const index = path.join(APP, 'packages/backend/src/index.ts');
const features = Object.keys(tarballs)
  .filter(name => /^backend-plugin/.test(roles(name)))
  .map(name => `backend.add(import('${name}'));\n`)
  .join('');
const source = fs.readFileSync(index, 'utf8');
if (!source.includes('backend.start();')) throw new Error('no backend.start() in the backend');
fs.writeFileSync(index, source.replace('backend.start();', `${features}\nbackend.start();`));
console.log(`backend features added:\n${features}`);
EOF
}

# Native addons are not built (keytar, tree-sitter and the like take minutes on two cores), except
# the SQLite driver the backend's database needs, which is compiled once per version and Node ABI
# into $ADDON_CACHE and copied from there afterwards.
ADDON_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kars-portal/check-install
install_app() {
  # A fresh app has no lockfile to keep: with CI=true Yarn would refuse to write one.
  (cd "$APP" && yarn install --no-immutable --mode=skip-build) >"$WORK/app-install.log" 2>&1 ||
    { tail -30 "$WORK/app-install.log"; return 1; }
  grep 'Done' "$WORK/app-install.log" | tail -1
  local dir=$APP/node_modules/better-sqlite3 version cached
  version=$(node -pe 'require(process.argv[1]).version' "$dir/package.json") || return 1
  cached=$ADDON_CACHE/better-sqlite3-$version-node-$(node -p process.versions.modules).node
  if [ ! -f "$cached" ]; then
    (cd "$dir" && PATH=$APP/node_modules/.bin:$PATH node-gyp rebuild --release) >"$WORK/better-sqlite3.log" 2>&1 ||
      { tail -20 "$WORK/better-sqlite3.log"; return 1; }
    mkdir -p "$ADDON_CACHE" && cp "$dir/build/Release/better_sqlite3.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
    echo "better-sqlite3 $version: compiled, kept in $cached"
  else
    mkdir -p "$dir/build/Release" && cp "$cached" "$dir/build/Release/better_sqlite3.node"
    echo "better-sqlite3 $version: from $cached"
  fi
}

# Only the publishable packages: no emulator, no other private package of this repository.
deps() {
  local why installed expected
  why=$(cd "$APP" && yarn why @kars-portal/kube-emulator 2>&1)
  if [ -n "$why" ]; then echo "yarn why @kars-portal/kube-emulator found:"; echo "$why"; return 1; fi
  echo "yarn why @kars-portal/kube-emulator: nothing"
  # Every copy of every @kars-portal package at any depth of the app's node_modules.
  installed=$(cd "$APP" && find . -path '*/node_modules/@kars-portal/*/package.json' |
    sed -nE 's#.*/node_modules/(@kars-portal/[^/]+)/package.json$#\1#p' | sort -u)
  expected=$(for f in "$TARBALLS"/*.tgz; do
    tar -xOzf "$f" package/package.json | node -pe 'JSON.parse(require("fs").readFileSync(0)).name'
  done | sort -u)
  echo "installed @kars-portal packages:"; echo "$installed" | sed 's/^/  /'
  if [ "$installed" != "$expected" ]; then
    echo "expected exactly the packed ones:"; echo "$expected" | sed 's/^/  /'; return 1
  fi
}

cluster() {
  local bin
  bin=$(bash "$REPO/test/kube-testenv/build.sh" | tail -1) || return 1
  KT_DIR=$KT_DIR setsid "$bin" >"$WORK/kube-testenv.log" 2>&1 &
  TESTENV_PID=$!
  local i
  for i in $(seq 1 900); do
    [ -f "$KT_DIR/ready.json" ] && break
    kill -0 "$TESTENV_PID" 2>/dev/null || { tail -20 "$WORK/kube-testenv.log"; return 1; }
    sleep 0.2
  done
  [ -f "$KT_DIR/ready.json" ] || { echo "kube-testenv not ready"; return 1; }
  local kubectl=${KARS_KUBECTL:-$(command -v kubectl)}
  [ -n "$kubectl" ] || { echo "no kubectl (set KARS_KUBECTL)"; return 1; }
  "$kubectl" --kubeconfig "$KT_DIR/admin.kubeconfig" apply --server-side -f "$SRC/deploy/" >"$WORK/deploy.log" 2>&1 ||
    { tail -20 "$WORK/deploy.log"; return 1; }
  echo "kube-apiserver: $(node -pe 'require(process.argv[1]).server' "$KT_DIR/ready.json"), deploy/ applied"
}

start_backend() {
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  TOKEN=$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')
  cat >"$WORK/check.yaml" <<EOF
backend:
  baseUrl: http://localhost:$PORT
  listen:
    port: $PORT
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: check-install
kars:
  clusters:
    - name: real
      type: kubeconfig
      kubeconfigPath: $KT_DIR/admin.kubeconfig
EOF
  (cd "$APP/packages/backend" && exec setsid yarn start --config ../../app-config.yaml --config "$WORK/check.yaml") \
    >"$WORK/backend.log" 2>&1 &
  BACKEND_PID=$!
  local i code
  for i in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/.backstage/health/v1/readiness")
    [ "$code" = 200 ] && break
    kill -0 "$BACKEND_PID" 2>/dev/null || { tail -40 "$WORK/backend.log"; return 1; }
    if grep -q 'Backend startup failed' "$WORK/backend.log"; then
      grep -v readiness "$WORK/backend.log" | grep -E 'error|failed' | head -5; return 1
    fi
    sleep 1
  done
  [ "$code" = 200 ] || { echo "backend not ready"; tail -40 "$WORK/backend.log"; return 1; }
  echo "backend ready on :$PORT"
}

ask() {
  local body i
  for i in $(seq 1 60); do
    body=$(curl -s -H "Authorization: Bearer $TOKEN" "http://localhost:$PORT/api/kars/cluster")
    echo "$body" | node -e '
      const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const real = (info.clusters || []).find(c => c.name === "real");
      const cache = real && real.preflight.find(p => p.name === "sandbox-cache");
      process.exit(real && !real.embedded && cache && cache.ok ? 0 : 1);' 2>/dev/null && break
    sleep 1
  done
  echo "GET /api/kars/cluster: $body"
  echo "$body" | node -e '
    const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const real = info.clusters.find(c => c.name === "real");
    if (!real) throw new Error("cluster real is not in the answer");
    if (real.embedded) throw new Error("cluster real is embedded");
    const cache = real.preflight.find(p => p.name === "sandbox-cache");
    if (!cache || !cache.ok) throw new Error("the KarsSandbox cache of cluster real did not sync");
    console.log("cluster real: kubeconfig, KarsSandbox cache synced");' || return 1
}

run_phase copy copy_repo || finish 1 copy
run_phase build build || finish 1 build
run_phase pack pack || finish 1 pack
run_phase create-app create_app || finish 1 create-app
run_phase wire wire || finish 1 wire
run_phase install install_app || finish 1 install
run_phase deps deps || finish 1 deps
run_phase cluster cluster || finish 1 cluster
run_phase start start_backend || finish 1 start
run_phase ask ask || finish 1 ask
finish 0
