#!/usr/bin/env bash
# The style check CI runs: swift-format (it ships with the toolchain) with
# the checked-in .swift-format, strict (a warning fails). To fix what it
# finds: swift format format --in-place --recursive --parallel Sources Tests Package.swift Fuzz Plugins
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --parallel Sources Tests Package.swift Fuzz Plugins
echo "lint: swift-format found nothing"
