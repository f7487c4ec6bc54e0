#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 for the store tests and print its URL for CASEMINER_TEST_PG_URL.
# Usage: eval "$(scripts/pg_test_server.sh start)"; ...; scripts/pg_test_server.sh stop "$CASEMINER_PG_DIR"
# (tests/db/conftest.py starts one by itself when CASEMINER_TEST_PG_URL is unset; this is for manual use.)
set -euo pipefail
PG_BIN=${CASEMINER_PG_BIN:-/usr/lib/postgresql/15/bin}
as_server_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d -t caseminer-pg-XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    user=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user "$PG_BIN/initdb" -D "$dir/data" -A trust -U "$user" --no-sync >/dev/null
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
    echo "export CASEMINER_PG_DIR=$dir"
    echo "export CASEMINER_TEST_PG_URL=postgresql+psycopg://$user@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?usage: $0 stop DIR}
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
