#!/bin/bash
# measure-heic.sh BIN [PHOTO] [RUNS]: veil hash of a HEIC side by side with
# libheif's own heif-convert (decode plus JPEG encode) on the same file.
# Each run times both with GNU time -v, alternating, and prints CPU (user +
# system) and peak RSS; the summary gives the medians and the ratio of CPU.
# Without PHOTO, the 12 MP iPhone photo in ../shared/fixtures. Needs
# heif-convert and /usr/bin/time (scripts/deps.sh measure).
set -euo pipefail

BIN=${1:?usage: measure-heic.sh BIN [PHOTO] [RUNS]}
BIN=$(realpath "$BIN")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHOTO=${2:-$ROOT/../shared/fixtures/metadata/exif-samples/heic/mobile/iphone_13_pro_max.HEIC}
RUNS=${3:-5}
for t in heif-convert /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "measure-heic: $t is missing (scripts/deps.sh measure)" >&2; exit 1; }
done
[ -f "$PHOTO" ] || { echo "measure-heic: no such file: $PHOTO" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# measure NAME CMD...: run CMD under time -v; print "cpu_seconds rss_mb".
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" || {
		echo "measure-heic: $name failed:" >&2
		cat "$W/$name.err" >&2
		exit 1
	}
	awk -F': ' '/User time/{u=$2} /System time/{s=$2} /Maximum resident/{m=$2} END{printf "%.2f %.0f\n", u+s, m/1024}' "$W/$name.time"
}

echo "photo: $PHOTO ($(stat -c %s "$PHOTO") bytes); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
	read -r vc vm < <(measure veil "$BIN" hash "$PHOTO")
	read -r hc hm < <(measure heif-convert heif-convert "$PHOTO" "$W/out.jpg")
	grep -q 'PDQ ' "$W/veil.out" || { echo "measure-heic: veil gave no PDQ hash:" >&2; cat "$W/veil.out" >&2; exit 1; }
	echo "run $run: veil hash ${vc} s CPU, ${vm} MB peak RSS; heif-convert ${hc} s CPU, ${hm} MB peak RSS"
	echo "$vc $vm $hc $hm" >>"$W/all"
	rm -f "$W/out.jpg"
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
VC=$(cut -d' ' -f1 "$W/all" | median)
VM=$(cut -d' ' -f2 "$W/all" | median)
HC=$(cut -d' ' -f3 "$W/all" | median)
HM=$(cut -d' ' -f4 "$W/all" | median)
echo "median of $RUNS: veil hash ${VC} s CPU, ${VM} MB; heif-convert ${HC} s CPU, ${HM} MB; CPU ratio $(awk -v a="$VC" -v b="$HC" 'BEGIN{printf "%.2f", a/b}')"
echo "$(grep 'PDQ ' "$W/veil.out" | tr -s ' ')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
