# shellcheck shell=bash
# Source this file: starts a private PostgreSQL for the database tests (Debian's PostgreSQL 15 server
# binaries) and exports BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. Sets
# KARS_PG_SKIP_REASON instead when there is no PostgreSQL server on this machine.

KARS_PG_PORT="${KARS_PG_PORT:-54329}"
KARS_PG_DIR="${KARS_PG_DIR:-${TMPDIR:-/tmp}/kars-portal-pg}"
KARS_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

kars_pg_as() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

kars_pg_start() {
  unset KARS_PG_SKIP_REASON
  if [ -z "$KARS_PG_BIN" ] || [ ! -x "$KARS_PG_BIN/pg_ctl" ]; then
    export KARS_PG_SKIP_REASON="no PostgreSQL server binaries (apt-get install postgresql)"
    return 0
  fi
  if ! "$KARS_PG_BIN/pg_isready" -h 127.0.0.1 -p "$KARS_PG_PORT" -q; then
    if [ ! -f "$KARS_PG_DIR/PG_VERSION" ]; then
      mkdir -p "$KARS_PG_DIR"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$KARS_PG_DIR"
      kars_pg_as "$KARS_PG_BIN/initdb" -D "$KARS_PG_DIR" -U postgres --auth=trust >/dev/null || {
        export KARS_PG_SKIP_REASON="initdb failed in $KARS_PG_DIR"; return 0; }
    fi
    kars_pg_as "$KARS_PG_BIN/pg_ctl" -D "$KARS_PG_DIR" -l "$KARS_PG_DIR/server.log" -w \
      -o "-p $KARS_PG_PORT -k $KARS_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || {
      export KARS_PG_SKIP_REASON="PostgreSQL did not start (see $KARS_PG_DIR/server.log)"; return 0; }
    export KARS_PG_STARTED=1
  fi
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$KARS_PG_PORT"
}

kars_pg_stop() {
  if [ "${KARS_PG_STARTED:-}" = "1" ]; then
    kars_pg_as "$KARS_PG_BIN/pg_ctl" -D "$KARS_PG_DIR" -m fast stop >/dev/null || true
  fi
}
