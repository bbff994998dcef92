#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL and Redis on free ports; always stop them afterwards.
# Usage: scripts/with_services.sh CMD [ARGS...]
set -uo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/cizhou-services.XXXXXX)
chmod 755 "$work"
pgdata="$work/pg"; redisdir="$work/redis"
mkdir -p "$pgdata" "$redisdir"
pg_port=$(free_port); redis_port=$(free_port)
while [ "$redis_port" = "$pg_port" ]; do redis_port=$(free_port); done

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] && chown -R postgres "$pgdata"
as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || exit 1
as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w start \
  -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$pgdata/server.log"; exit 1; }
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres cizhou || exit 1
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$redisdir" --save '' --appendonly no --daemonize yes >/dev/null || exit 1

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/cizhou"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "with_services: PostgreSQL on $pg_port, Redis on $redis_port"
"$@"
