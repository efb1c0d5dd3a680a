#!/usr/bin/env bash
# The second README command (and all that CI runs): sets up a fresh Debian
# machine for the tests, builds, checks the style and runs the whole suite.
# Idempotent: what is installed already is not touched, the build is
# incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

# Beyond the build: sqlite3 (the CLI, as an independent reader), wrk and
# hyperfine (load and timing), GNU time (peak memory), python3 (test
# helpers: the soak's reader, an HTTPS server, the man page generator) and
# openssl (its certificate). The PostgreSQL backend's tests: Debian's
# PostgreSQL 15 server for a throwaway cluster (scripts/pg-cluster.sh; no
# system service is used). The HTML report's tests: chromium (headless,
# offline). The Datasette export's test: python3-venv (below). Packaging and
# its tests (docs/packaging.md): dpkg-dev (dpkg-deb, dpkg-parsechangelog),
# binutils (strip, readelf), man-db (man, mandb, apropos), mandoc and groff
# (the pages' lint), lintian (Debian's package checker), file, and zsh and
# fish, asked for their completions. The HTTP/2 client test: nghttpd
# (nghttp2-server).
ensure_packages "${build_packages[@]}" postgresql sqlite3 wrk hyperfine time python3 python3-venv openssl chromium \
  dpkg-dev binutils man-db mandoc groff-base lintian file zsh fish nghttp2-server

# Datasette, from PyPI, in a virtualenv of the project's own: the test of
# `callhist export datasette-metadata` loads an archive in it.
if ! .build/datasette/bin/python -c "import datasette" 2>/dev/null; then
  echo "test: installing Datasette into .build/datasette"
  mkdir -p .build
  python3 -m venv .build/datasette
  .build/datasette/bin/pip install --quiet --disable-pip-version-check "datasette==0.65.5"
fi

# The standalone release binaries and the packages under dist/ (the tests
# install and check them).
scripts/package.sh
# The style is swift-format's (.swift-format): a violation fails.
scripts/lint.sh
swift test --disable-swift-testing

# Nothing a test started may outlive the test run.
left=$( { pgrep -x fuse-mock || true; pgrep -x callhist || true; pgrep -f 'postgres -D /tmp/callhist-pg-' || true; } )
if [ -n "$left" ]; then
  echo "test: processes left running after the tests:" >&2
  ps -o pid,etime,args -p $left >&2 || true
  kill -9 $left 2>/dev/null || true
  exit 1
fi
