#!/bin/bash
# measure-video-redact.sh [SECONDS]: how long Veil takes to redact the faces
# in a phone-like video on this machine. Makes (once, in out/bench) a
# 1080p30 portrait clip of SECONDS (default 60) with a moving camera over a
# photo with three faces, sensor-like noise and sound, stored sideways with
# a rotation like a phone's; then
#   1. BenchmarkRedactVideo: each stage's wall and CPU time (FFmpeg's
#      included): finding faces, tracking, burning + encoding, the check;
#   2. veil redact --faces end to end under GNU time (wall, CPU, peak RSS).
# The machine's load is printed before and after: on a shared machine the
# figures are only as quiet as it was.
set -euo pipefail

SECONDS_LONG=${1:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
command -v /usr/bin/time >/dev/null || { echo "measure-video-redact: /usr/bin/time is missing (scripts/deps.sh measure)" >&2; exit 1; }
CLIP=out/bench/phone-${SECONDS_LONG}s.mp4
./scripts/make-phone-clip.sh "$SECONDS_LONG" "$CLIP"
ffprobe -hide_banner -loglevel error -show_entries stream=codec_name,width,height,avg_frame_rate,nb_frames:stream_side_data=rotation:format=duration,size -of compact "$CLIP"
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== stages (BenchmarkRedactVideo)"
VEIL_BENCH_VIDEO=$ROOT/$CLIP nice -n 10 go test -tags "$(./scripts/tags.sh VEIL_TEST_TAGS)" -run '^$' -bench '^BenchmarkRedactVideo$' -benchtime 1x -timeout 2h -v ./redact/video |
	grep -E 'frames|Benchmark'

echo "== veil redact --faces, end to end"
go build -tags "$(./scripts/tags.sh VEIL_TEST_TAGS)" -o out/bench/veil .
rm -f out/bench/redacted.mp4
nice -n 10 /usr/bin/time -v -o out/bench/time.txt out/bench/veil redact --faces -o out/bench/redacted.mp4 "$CLIP"
awk -F': ' '/Elapsed/{w=$2} /User time/{u=$2} /System time/{s=$2} /Maximum resident/{m=$2} END{printf "wall %s, CPU %.0f s (veil and FFmpeg), peak RSS %.0f MB (the largest process)\n", w, u+s, m/1024}' out/bench/time.txt
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
