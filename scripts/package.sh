#!/usr/bin/env bash
# Writes, under dist/:
#   callhist-VERSION-linux-ARCH.tar.gz  bin/callhist, bin/fuse-mock, share/man/man1/*.1,
#                                       completions (bash, zsh, fish), README.md, docs/
#   callhist_VERSION_DEBARCH.deb        the same, installed under /usr: binaries in
#                                       /usr/bin, man pages, completions in their
#                                       standard folders, docs in /usr/share/doc/callhist
# The binaries are the standalone release build (the Swift runtime linked in);
# the .deb's Depends names the Debian packages of the C libraries the binary
# actually links, read from the binary. VERSION is `callhist --version`,
# itself `git describe` of this checkout. Man pages and completions are
# generated from the argument definitions, never written by hand.
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
for tool in callhist fuse-mock; do standalone "$tool"; cp "$bin/$tool" "$work/$tool"; done
# Man pages: swift-argument-parser's generate-manual plugin (one page per
# subcommand). It builds the tools its own way, dynamically linked, over
# .build/release: the standalone binaries were copied aside first, and are
# put back after it.
swift package generate-manual --multi-page >"$work/manual.log" 2>&1 || { cat "$work/manual.log" >&2; exit 1; }
pages=.build/plugins/GenerateManual/outputs
for tool in callhist fuse-mock; do install -m 755 "$work/$tool" "$bin/$tool"; done
version=$("$bin/callhist" --version | awk '{print $1}')
arch=$(uname -m)
debarch=$(dpkg --print-architecture)

stage() {  # $1: root; $2: prefix layout (tar|deb)
  local root=$1 layout=$2 share
  if [ "$layout" = deb ]; then share="$root/usr/share"; mkdir -p "$root/usr/bin"; install -m 755 "$bin/callhist" "$bin/fuse-mock" "$root/usr/bin/"
  else share="$root/share"; mkdir -p "$root/bin"; install -m 755 "$bin/callhist" "$bin/fuse-mock" "$root/bin/"; fi
  mkdir -p "$share/man/man1" "$share/bash-completion/completions" "$share/zsh/vendor-completions" "$share/fish/vendor_completions.d"
  for tool in callhist fuse-mock; do
    for page in "$pages/$tool"/*.1; do gzip -9n <"$page" >"$share/man/man1/$(basename "$page").gz"; done
    "$bin/$tool" --generate-completion-script bash >"$share/bash-completion/completions/$tool"
    "$bin/$tool" --generate-completion-script zsh >"$share/zsh/vendor-completions/_$tool"
    "$bin/$tool" --generate-completion-script fish >"$share/fish/vendor_completions.d/$tool.fish"
  done
  local doc=$share/doc/callhist
  [ "$layout" = tar ] && doc=$root/doc
  mkdir -p "$doc"
  cp README.md "$doc/"
  cp docs/*.md "$doc/"
  [ -f LICENSE ] && cp LICENSE "$doc/" || true
  [ "$layout" = tar ] && cp README.md "$root/" || true
}

mkdir -p dist
rm -f dist/callhist-*.tar.gz dist/callhist_*.deb
name="callhist-$version-linux-$arch"
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
size=$(du -sk "$deb/usr" | cut -f1)
cat >"$deb/DEBIAN/control" <<CONTROL
Package: callhist
Version: $version
Architecture: $debarch
Maintainer: callhist maintainers <callhist@example.invalid>
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
echo "package: callhist $(du -h "$bin/callhist" | cut -f1), fuse-mock $(du -h "$bin/fuse-mock" | cut -f1)"
