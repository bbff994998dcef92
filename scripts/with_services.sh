#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL and Redis on free ports; always stop them afterwards.
# Usage: scripts/with_services.sh CMD [ARGS...]   (exits with CMD's exit code)
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Both ports from one process, the first socket still bound while the second is picked, so they differ.
read -r pg_port redis_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
[ -n "${redis_port:-}" ] || { echo "with_services: could not pick free ports" >&2; exit 1; }

# Under /tmp, not $TMPDIR: the postgres user must be able to reach it.
work=$(mktemp -d /tmp/cizhou-services.XXXXXX)
chmod 755 "$work"
pgdata="$work/pg"; redisdir="$work/redis"
mkdir -p "$pgdata" "$redisdir"
pg_started=; redis_started=

# As root (CI) the PostgreSQL tools must run as postgres, from a directory that user can read.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd "$work" && runuser -u postgres -- "$@"); else "$@"; fi; }

cleanup() {
  [ -n "$pg_started" ] && as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1
  [ -n "$redis_started" ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] && chown -R postgres "$pgdata"
as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || exit 1
pg_started=1
as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w start \
  -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$pgdata/server.log" >&2; exit 1; }
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres -O postgres cizhou || exit 1
redis_started=1
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$redisdir" --save '' --appendonly no --daemonize yes \
  >/dev/null || exit 1
# A daemonized redis-server forks before it binds, so its exit code does not say it is serving.
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$redis_port" ping >/dev/null 2>&1 || { echo "with_services: Redis did not start" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/cizhou"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "with_services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
"$@"
status=$?
exit "$status"
