#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: Debian's server binaries
# (/usr/lib/postgresql/<version>/bin, installed by `scripts/setup.sh postgresql` when missing), a
# cluster in a temp folder, listening on 127.0.0.1 only, on a free port; the command gets its URL
# in IAP_VERIFY_PG_URL. The server is stopped and the folder removed when the command ends, however
# it ends. As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
#   scripts/with-postgres.sh node --test tests/postgres/
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[postgres] %s\n' "$*" >&2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  scripts/setup.sh postgresql
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

dir=$(mktemp -d /tmp/iap-verify-pg.XXXXXX)
as_db=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_db=(runuser -u postgres --)
fi
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

stop() {
  "${as_db[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

say "initdb and start PostgreSQL $("$bin/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$port ($dir)"
"${as_db[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a throwaway cluster; max_connections for 16 workers plus separate processes.
"${as_db[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export IAP_VERIFY_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
