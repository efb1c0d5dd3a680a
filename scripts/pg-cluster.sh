#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's
# PostgreSQL 15 server (scripts/test.sh installs it), initdb in a
# folder of its own, run by an unprivileged user (postgres when we are root,
# else ourselves), listening on 127.0.0.1 at a private port and on a socket
# in that folder. Nothing system-wide is started or changed.
#
#   scripts/pg-cluster.sh start DIR   prints the superuser's URL (postgresql://…)
#   scripts/pg-cluster.sh stop DIR    stops the server and removes DIR
#   scripts/pg-cluster.sh restart DIR restarts it at once (-m fast: every
#                                     connection dropped), same port and options
#
# TCP connections need a password (scram-sha-256), so the tests exercise the
# password path the way a real server does; the socket trusts the local user.
set -euo pipefail
command=${1:?usage: pg-cluster.sh start|stop|restart DIR}
dir=${2:?usage: pg-cluster.sh start|stop|restart DIR}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg-cluster: no PostgreSQL server (run scripts/test.sh)" >&2; exit 69; }

as_owner=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner=(runuser -u postgres --)
fi

case "$command" in
start)
  mkdir -p "$dir"
  chown "$owner" "$dir" 2>/dev/null || true
  chmod 700 "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$password" > "$dir/password"
  chown "$owner" "$dir/password" 2>/dev/null || true
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U callhist --pwfile="$dir/password" --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # A free port: ask the kernel for one, then hand it to the server.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # Small and fast: a test cluster holds nothing worth an fsync.
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=256MB" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" > "$dir/port"
  echo "postgresql://callhist:$password@127.0.0.1:$port/postgres"
  ;;
restart)
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  [ -d "$dir/data" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-cluster.sh start|stop|restart DIR" >&2; exit 64 ;;
esac
