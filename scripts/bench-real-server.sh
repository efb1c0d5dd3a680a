#!/usr/bin/env bash
# The client against a real web server (issue 30), figures printed: nginx
# (Debian's) serves saved status bodies at /api/outbound/ID over HTTP/1.1
# with gzip and over HTTPS + HTTP/2 with a throwaway CA. For each protocol
# and size, in the same run and at the same concurrency:
#   - h2load (nghttp2's load generator, C) fetching the same URLs: the ceiling;
#   - fuse-bench fetch: callhist's client alone (fetch and decode, no store);
#   - callhist archive: fetch, decode and store, end to end;
# each as ids per second and as a share of h2load. Every call archived is then
# checked against the body nginx served (SHA-256 of the bytes).
# Sizes: SIZES (default "3000 15000"); CONCURRENCY (32); REPEAT (3: the best
# of that many runs of each). Installs nginx and nghttp2-client if missing;
# leaves nothing behind (the CA, the keys and nginx go with the temp folder).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
ensure_packages "${build_packages[@]}" nginx nghttp2-client openssl python3 sqlite3
sizes=${SIZES:-3000 15000}
concurrency=${CONCURRENCY:-32}
repeat=${REPEAT:-3}
swift build -c release --static-swift-stdlib >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
callhist=${CALLHIST_BIN:-$bin/callhist}
tmp=$(mktemp -d)
mock=
nginx_running=false
cleanup() {
  $nginx_running && nginx -p "$tmp" -c "$tmp/nginx.conf" -s stop 2>/dev/null || true
  [ -n "$mock" ] && kill "$mock" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key
auth="Authorization: Basic $(printf '%s' "$FUSE_EMAIL:$FUSE_DEVELOPER_KEY" | base64 -w0)"
largest=$(printf '%s\n' $sizes | sort -n | tail -1)

# The bodies: what fuse-mock answers for the largest size, archived once,
# then written out byte for byte, one file per id, for nginx to serve.
"$bin/fuse-mock" --port 0 --speed 0 --calls "$largest" >"$tmp/port" 2>/dev/null &
mock=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
"$bin/fuse-mock" --calls "$largest" --list-ids >"$tmp/all-ids.txt"
"$callhist" archive --db "$tmp/source.sqlite" --base-url "http://127.0.0.1:$(head -1 "$tmp/port")/api" --concurrency 32 --ids "$tmp/all-ids.txt" --quiet
kill "$mock"; wait "$mock" 2>/dev/null || true; mock=
mkdir -p "$tmp/www/api/outbound"
python3 - "$tmp/source.sqlite" "$tmp/www/api/outbound" <<'PY'
import sqlite3, sys
db, out = sys.argv[1:]
rows = sqlite3.connect(db).execute("SELECT call_id, CAST(body AS BLOB) FROM call_snapshots")
for call_id, body in rows:
    with open(f"{out}/{call_id}", "wb") as f:
        f.write(body)
PY
[ "$(ls "$tmp/www/api/outbound" | wc -l)" -eq "$largest" ] || { echo "bench-real-server: expected $largest bodies" >&2; exit 1; }

# A throwaway CA and a certificate for 127.0.0.1 signed by it (RSA 2048, as
# public APIs commonly use): callhist verifies it with --cacert, as it must.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=callhist bench CA" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$tmp/san.ext"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 1 -extfile "$tmp/san.ext" \
  -out "$tmp/server.pem" 2>/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
h1=$(free_port)
h2=$(free_port)
mkdir -p "$tmp/temp"
chmod 755 "$tmp"
chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/temp/body;
  proxy_temp_path $tmp/temp/proxy;
  fastcgi_temp_path $tmp/temp/fastcgi;
  uwsgi_temp_path $tmp/temp/uwsgi;
  scgi_temp_path $tmp/temp/scgi;
  default_type application/json;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  open_file_cache max=100000 inactive=60s;
  server {
    listen 127.0.0.1:$h1;
    root $tmp/www;
    gzip on;
    gzip_types application/json;
    gzip_min_length 0;
  }
  server {
    listen 127.0.0.1:$h2 ssl http2;
    root $tmp/www;
    ssl_certificate $tmp/server.pem;
    ssl_certificate_key $tmp/server.key;
    ssl_session_cache shared:SSL:10m;
    http2_max_concurrent_streams 256;
  }
}
CONF
nginx -p "$tmp" -c "$tmp/nginx.conf"
nginx_running=true
for _ in $(seq 50); do [ -s "$tmp/nginx.pid" ] && break; sleep 0.1; done

best_rate() {  # best of $repeat runs of "$@" (which prints ids/s), as ids/s
  local best=0 rate
  for _ in $(seq "$repeat"); do
    rate=$("$@")
    best=$(awk -v a="$best" -v b="$rate" 'BEGIN {print (b > a ? b : a)}')
  done
  echo "$best"
}
h2load_rate() {  # $1: URL base; $2: count; $3…: h2load options
  local base=$1 n=$2
  shift 2
  sed "s|^|$base/api/outbound/|" "$tmp/ids-$n.txt" >"$tmp/urls.txt"
  h2load -c "$concurrency" -m 1 -n "$n" -H "$auth" -i "$tmp/urls.txt" "$@" >"$tmp/h2load.txt" 2>&1 || true
  # Every request must have had its 200: a ceiling of errors would be no ceiling.
  grep -q "status codes: $n 2xx, 0 3xx, 0 4xx, 0 5xx" "$tmp/h2load.txt" || { cat "$tmp/h2load.txt" >&2; echo "bench-real-server: h2load did not get $n answers 200" >&2; exit 1; }
  awk '/^finished in/ {gsub(",", "", $4); print int($4)}' "$tmp/h2load.txt"
}
fetch_rate() {  # $1: base URL; $2: count
  "$bin/fuse-bench" fetch --base-url "$1/api" --count "$2" --concurrency "$concurrency" --cacert "$tmp/ca.pem" | sed 's/.*per_second=//'
}
archive_rate() {  # $1: base URL; $2: count
  rm -f "$tmp/bench.sqlite"*
  /usr/bin/time -f %e -o "$tmp/t" "$callhist" archive --db "$tmp/bench.sqlite" --base-url "$1/api" --cacert "$tmp/ca.pem" \
    --concurrency "$concurrency" --ids "$tmp/ids-$2.txt" --quiet
  awk -v n="$2" -v t="$(cat "$tmp/t")" 'BEGIN {printf "%.0f", n / t}'
}
check() {  # every archived call's body is the served file, byte for byte
  python3 - "$tmp/bench.sqlite" "$tmp/www/api/outbound" "$1" <<'PY'
import hashlib, sqlite3, sys
db, www, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = sqlite3.connect(db).execute("SELECT call_id, body_sha256 FROM call_snapshots").fetchall()
bad = [c for c, h in rows if hashlib.sha256(open(f"{www}/{c}", "rb").read()).hexdigest() != h]
if len(rows) != expected or bad:
    sys.exit(f"bench-real-server: {len(rows)} calls archived of {expected}; {len(bad)} bodies differ from what nginx served")
PY
}
share() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }

printf "%-26s %7s %10s %12s %6s %12s %6s\n" protocol ids "h2load/s" "fetch-only/s" share "archive/s" share
for n in $sizes; do
  head -n "$n" "$tmp/all-ids.txt" >"$tmp/ids-$n.txt"
  for protocol in "HTTP/1.1 + gzip" "HTTPS + HTTP/2"; do
    if [ "$protocol" = "HTTPS + HTTP/2" ]; then base="https://127.0.0.1:$h2"; ceiling=$(best_rate h2load_rate "$base" "$n")
    else base="http://127.0.0.1:$h1"; ceiling=$(best_rate h2load_rate "$base" "$n" --h1 -H "Accept-Encoding: gzip"); fi
    fetch=$(best_rate fetch_rate "$base" "$n")
    archive=$(best_rate archive_rate "$base" "$n")
    check "$n"
    printf "%-26s %7s %10s %12s %6s %12s %6s\n" "$protocol" "$n" "$ceiling" "$fetch" "$(share "$fetch" "$ceiling")" "$archive" "$(share "$archive" "$ceiling")"
  done
done
echo "(c$concurrency, best of $repeat; h2load -m 1: one stream per connection; every archived body checked against the file served)"

# PROFILE=1: where the time goes, by library, in the client alone and in
# archive, over HTTPS + HTTP/2 at the largest size (perf, call graphs off).
if [ -n "${PROFILE:-}" ]; then
  ensure_packages linux-perf
  base="https://127.0.0.1:$h2"
  for what in fetch-only archive; do
    if [ "$what" = fetch-only ]; then
      perf record -q -F 2000 -o "$tmp/perf.data" -- "$bin/fuse-bench" fetch --base-url "$base/api" --count "$largest" \
        --concurrency "$concurrency" --cacert "$tmp/ca.pem" >/dev/null 2>&1
    else
      rm -f "$tmp/bench.sqlite"*
      perf record -q -F 2000 -o "$tmp/perf.data" -- "$callhist" archive --db "$tmp/bench.sqlite" --base-url "$base/api" \
        --cacert "$tmp/ca.pem" --concurrency "$concurrency" --ids "$tmp/ids-$largest.txt" --quiet >/dev/null 2>&1
    fi
    echo "== profile: $what, HTTPS + HTTP/2, $largest ids (share of samples by library)"
    # awk, not head: perf must not die of SIGPIPE under pipefail.
    perf report -q -i "$tmp/perf.data" --sort dso --stdio 2>/dev/null | awk 'NF && n++ < 8'
    echo "-- top symbols"
    perf report -q -i "$tmp/perf.data" --sort dso,symbol --stdio 2>/dev/null | awk 'NF && n++ < 15 {print substr($0, 1, 130)}'
  done
fi
