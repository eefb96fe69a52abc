#!/usr/bin/env bash
# compare-exiftool.sh [VEIL...] - time `veil clean` against `exiftool -all= -o DIR`
# over every JPEG of ../shared/fixtures/metadata, one call each, side by side.
# Several veil binaries (say, before and after a change) are timed in the same
# interleaved run, so a busy machine weighs on all of them alike.
# Installs hyperfine and exiftool when missing (scripts/deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh bench
[ $# -gt 0 ] || set -- bin/veil
corpus=../shared/fixtures/metadata
[ -d "$corpus" ] || { echo "compare-exiftool: $corpus not found" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t jpgs < <(cd "$corpus" && find . -iname '*.jpg' -o -iname '*.jpeg' | sort)
echo "${#jpgs[@]} JPEGs; $(uptime)"
runs=(-n exiftool "exiftool -q -q -all= -o $out/ex/ ${jpgs[*]}")
for v in "$@"; do
  runs+=(-n "$v" "$(realpath "$v") clean -o $out/veil ${jpgs[*]}")
done
cd "$corpus"
hyperfine -N -i --warmup 2 --runs "${RUNS:-15}" --export-json "$out/times.json" \
  --prepare "rm -rf $out/ex $out/veil" "${runs[@]}"
# Medians resist a busy machine better than means.
if command -v python3 >/dev/null; then
  python3 - "$out/times.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = sorted(r["times"])
    q = statistics.quantiles(t, n=4)
    print(f"{r['command']:<40} median {statistics.median(t)*1e3:6.0f} ms (IQR {q[0]*1e3:.0f}-{q[2]*1e3:.0f}), "
          f"CPU user {r['user']*1e3:.0f} ms + system {r['system']*1e3:.0f} ms")
PY
fi
