#!/usr/bin/env bash
# compare-exiftool.sh [VEIL] - time `veil clean` against `exiftool -all= -o DIR`
# over every JPEG of ../shared/fixtures/metadata, one call each, side by side.
# Needs hyperfine and exiftool (apt-get install hyperfine libimage-exiftool-perl).
set -euo pipefail
cd "$(dirname "$0")/.."
veil=$(realpath "${1:-bin/veil}")
corpus=../shared/fixtures/metadata
[ -d "$corpus" ] || { echo "compare-exiftool: $corpus not found" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t jpgs < <(cd "$corpus" && find . -iname '*.jpg' -o -iname '*.jpeg' | sort)
echo "${#jpgs[@]} JPEGs"
cd "$corpus"
hyperfine -N -i --warmup 2 --runs 15 --prepare "rm -rf $out/ex $out/veil" \
  -n exiftool "exiftool -q -q -all= -o $out/ex/ ${jpgs[*]}" \
  -n veil "$veil clean -o $out/veil ${jpgs[*]}"
