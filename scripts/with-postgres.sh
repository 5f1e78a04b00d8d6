#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server: a fresh cluster in a temporary folder,
# listening only on a Unix socket there, removed afterwards. The command finds the server in
# TEST_DATABASE_URL (a superuser URL; the tests make a database per test from a template).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
folder=$(mktemp -d /tmp/oia-desk-pg.XXXXXX)
chmod 755 "$folder"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then  # initdb refuses to run as root
  chown postgres: "$folder"
  as_postgres=(runuser -u postgres --)
fi
stop() {
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap stop EXIT
"${as_postgres[@]}" "$bin/initdb" -D "$folder/data" -U oia --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w \
  -o "-c listen_addresses='' -k $folder -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://oia@/postgres?host=$folder"
"$@"
