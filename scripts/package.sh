#!/usr/bin/env bash
# Writes, under dist/:
#   callhist-VERSION-linux-ARCH.tar.gz  bin/callhist, bin/fuse-mock, share/man/man1/*.1.gz,
#                                       completions (bash, zsh, fish), share/doc/callhist
#                                       (README, docs, copyright, changelog), README.md
#   callhist_VERSION_DEBARCH.deb        the same, installed under /usr: binaries in
#                                       /usr/bin, man pages, completions in their
#                                       standard folders, docs in /usr/share/doc/callhist
# The binaries are the standalone release build (the Swift runtime linked in),
# stripped: the debug info is dropped, not shipped (docs/packaging.md). The
# .deb's Depends names the Debian packages of the C libraries the binary
# actually links, read from the binary. VERSION is `callhist --version`,
# itself `git describe` of this checkout. Man pages and completions are
# generated from the argument definitions, never written by hand; the
# package is checked by Debian's lintian in the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
standalone() {  # builds $1 standalone into .build/release if it is not (SwiftPM may not relink for a flag alone)
  if [ ! -x "$bin/$1" ] || ldd "$bin/$1" | grep -q 'libswiftCore\|libFoundation'; then
    rm -f "$bin/$1"
    swift build -c release --static-swift-stdlib --product "$1" >/dev/null
  fi
  if ldd "$bin/$1" | grep -q 'libswiftCore\|libFoundation'; then echo "package: $1 is not standalone" >&2; exit 1; fi
}
swift build -c release --static-swift-stdlib >/dev/null
for tool in callhist fuse-mock; do
  standalone "$tool"
  # What dh_strip does: symbols and debug sections out (79 MB to 61 MB); it runs the same.
  strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$work/$tool" "$bin/$tool"
  "$bin/$tool" --experimental-dump-help >"$work/$tool.json"
done
version=$("$bin/callhist" --version | awk '{print $1}')
arch=$(uname -m)
debarch=$(dpkg --print-architecture)
maintainer="callhist maintainers <callhist@users.noreply.github.com>"
# The commit's date, so that the same source gives the same pages and changelog.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
stamp=$(git log -1 --format=%cD 2>/dev/null || date -uR)
name="callhist-$version-linux-$arch"

# Debian's changelog for a native package: this version's entry lists the
# commits since the last tag (the last 30 when there is none), wrapped.
changelog() {
  local range=HEAD last
  last=$(git describe --tags --abbrev=0 2>/dev/null || true)
  [ -n "$last" ] && range="$last..HEAD"
  echo "callhist ($version) unstable; urgency=medium"
  echo
  if git rev-parse HEAD >/dev/null 2>&1; then
    git log --no-merges --max-count=30 --format=%s "$range" | while IFS= read -r subject; do
      printf '%s\n' "$subject" | fold -s -w 74 | sed 's/ *$//' | awk 'NR == 1 {print "  * " $0; next} {print "    " $0}'
    done
  else
    echo "  * Built outside git."
  fi
  echo
  echo " -- $maintainer  $stamp"
}

# The copyright file Debian expects (machine-readable format).
copyright() {
  cat <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: callhist
Upstream-Contact: $maintainer
Source: the callhist repository (git describe: $version)

Files: *
Copyright: 2026 callhist maintainers
License: proprietary
 All rights reserved. No license has been chosen for callhist yet; until one
 is, this package may be used and copied only within the organisation that
 built it.
COPYRIGHT
}

stage() {  # $1: root; $2: prefix layout (tar|deb)
  local root=$1 layout=$2 share docdir
  if [ "$layout" = deb ]; then share="$root/usr/share"; docdir=/usr/share/doc/callhist; mkdir -p "$root/usr/bin"; install -m 755 "$work/callhist" "$work/fuse-mock" "$root/usr/bin/"
  else share="$root/share"; docdir="$name/share/doc/callhist"; mkdir -p "$root/bin"; install -m 755 "$work/callhist" "$work/fuse-mock" "$root/bin/"; fi
  mkdir -p "$share/man/man1" "$share/bash-completion/completions" "$share/zsh/vendor-completions" "$share/fish/vendor_completions.d"
  # The pages name the docs where this layout puts them.
  local pages="$work/pages-$layout"
  mkdir -p "$pages"
  python3 scripts/lib/make-manpages.py "$pages" "$docdir" "$date" "$version" "$work/callhist.json" "$work/fuse-mock.json"
  for page in "$pages"/*.1; do gzip -9n <"$page" >"$share/man/man1/$(basename "$page").gz"; done
  for tool in callhist fuse-mock; do
    # A completion is sourced, not run: no #! line (lintian: bash-completion-with-hashbang).
    "$work/$tool" --generate-completion-script bash | sed '1{/^#!/d}' >"$share/bash-completion/completions/$tool"
    "$work/$tool" --generate-completion-script zsh >"$share/zsh/vendor-completions/_$tool"
    "$work/$tool" --generate-completion-script fish >"$share/fish/vendor_completions.d/$tool.fish"
  done
  find "$share" -type f -exec chmod 644 {} +
  local doc=$share/doc/callhist
  mkdir -p "$doc"
  install -m 644 README.md docs/*.md "$doc/"
  copyright >"$doc/copyright"
  changelog | gzip -9n >"$doc/changelog.gz"
  chmod 644 "$doc/copyright" "$doc/changelog.gz"
  [ "$layout" = tar ] && cp README.md "$root/" || true
}

mkdir -p dist
rm -f dist/callhist-*.tar.gz dist/callhist_*.deb
stage "$work/$name" tar
tar -C "$work" -czf "dist/$name.tar.gz" "$name"

# Depends: the package owning each shared library the binaries need (NEEDED),
# found through the loader's cache, with the version installed here as a floor.
depends=$(for b in "$bin/callhist" "$bin/fuse-mock"; do objdump -p "$b" | awk '/NEEDED/ {print $2}'; done | sort -u | while read -r soname; do
    path=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64|x86_64|AArch64|aarch64/ {print $NF; exit}')
    [ -n "$path" ] || path=$(ldconfig -p | awk -v s="$soname" '$1 == s {print $NF; exit}')
    [ -n "$path" ] || { echo "package: no library found for $soname" >&2; exit 1; }
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
    echo "$pkg"
  done | sort -u | while read -r pkg; do
    echo "$pkg (>= $(dpkg-query -W -f='${Version}' "$pkg" | sed 's/-[^-]*$//'))"
  done | paste -sd, - | sed 's/,/, /g')

deb="$work/deb"
stage "$deb" deb
mkdir -p "$deb/DEBIAN"
(cd "$deb" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
size=$(du -sk "$deb/usr" | cut -f1)
cat >"$deb/DEBIAN/control" <<CONTROL
Package: callhist
Version: $version
Architecture: $debarch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: permanent, queryable history of Plum Voice Fuse outbound calls
 callhist archives the status, attempts, durations and events of outbound
 calls placed through Plum Voice Fuse into one SQLite file, every night from
 cron or a systemd timer, and answers questions about them (completion
 rates, durations, attempts) in tables, CSV, JSON or Markdown.
CONTROL
dpkg-deb --root-owner-group --build "$deb" "dist/callhist_${version}_${debarch}.deb" >/dev/null
echo "package: dist/$name.tar.gz"
echo "package: dist/callhist_${version}_${debarch}.deb (Depends: $depends)"
echo "package: callhist $(du -h "$work/callhist" | cut -f1), fuse-mock $(du -h "$work/fuse-mock" | cut -f1) (stripped)"
