#!/usr/bin/env bash
# measure-sync.sh [VEIL...] - how `veil clean` of the corpus JPEGs
# (../shared/fixtures/metadata) treats other programs' unwritten data. Before
# each run another program leaves DIRTY_MB (default 1500) of written but
# unsynced data in a file on the same file system; the script prints the
# run's wall time and how much of the system's unwritten data (Dirty in
# /proc/meminfo) is left afterwards, with and without that data. A good
# citizen syncs only its own files: it leaves the other data unwritten and
# takes as long with it as without. Runs are interleaved across binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- bin/veil
bins=()
for v in "$@"; do bins+=("$(realpath "$v")"); done
corpus=$(realpath ../shared/fixtures/metadata)
[ -d "$corpus" ] || { echo "measure-sync: $corpus not found" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/veil-sync.XXXXXX")
trap 'rm -rf "$work"' EXIT
mapfile -t jpgs < <(cd "$corpus" && find . -iname '*.jpg' -o -iname '*.jpeg' | sort)
dirty() { awk '/^Dirty:/{print $2}' /proc/meminfo; }
echo "${#jpgs[@]} JPEGs; other program's data ${DIRTY_MB:-1500} MB; $(uptime)"
printf '%-32s %-6s %9s %14s %14s\n' binary other wall_s dirty_before dirty_after
cd "$corpus"
for run in $(seq "${RUNS:-3}"); do
  for v in "${bins[@]}"; do
    for other in no yes; do
      rm -rf "$work/out" "$work/other.bin"
      sync
      [ $other = yes ] && head -c "${DIRTY_MB:-1500}M" /dev/zero | tr '\0' x > "$work/other.bin"
      d0=$(dirty)
      s=$(date +%s.%N)
      "$v" clean -o "$work/out" "${jpgs[@]}" >/dev/null
      e=$(date +%s.%N)
      printf '%-32s %-6s %9.3f %11s kB %11s kB\n' "$v" $other "$(echo "$e - $s" | bc)" "$d0" "$(dirty)"
    done
  done
done
