#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback for the tests and print its URL.
# Installs the server from Debian's packages when it is not there yet.
# Usage: eval "$(bash .ci/postgres.sh)"   (exports TPMBOT_TEST_POSTGRES_URL)
set -euo pipefail
PORT=${TPMBOT_PG_PORT:-55432}
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$(mktemp -d /tmp/tpmbot-pg.XXXXXX)
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$PGDATA"
  as_owner() { runuser -u postgres -- "$@"; }
fi
as_owner "$PGBIN/initdb" -D "$PGDATA" -A trust -U tpmbot --no-sync >/dev/null
as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >&2
echo "export TPMBOT_TEST_POSTGRES_URL=postgresql+psycopg://tpmbot@127.0.0.1:$PORT/postgres"
echo "export TPMBOT_TEST_PGDATA=$PGDATA"
