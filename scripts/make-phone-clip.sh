#!/bin/bash
# make-phone-clip.sh SECONDS OUT: a phone-like 1080p30 H.264 clip for the
# measuring scripts: an upright 1080x1920 window panning and drifting over
# a photo with three faces (scaled to 3840 px wide), sensor-like noise,
# AAC sound at 48 kHz, 16 Mb/s, stored sideways (1920x1080) with rotation
# -90 as a phone stores a portrait video. Made once; an existing OUT is
# kept.
set -euo pipefail
SECS=$1 OUT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHOTO=$ROOT/../shared/fixtures/faces/faceapi_sample3.jpg
[ -f "$OUT" ] && exit 0
[ -f "$PHOTO" ] || { echo "make-phone-clip: needs ../shared/fixtures/faces beside the repository" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "make-phone-clip: ffmpeg is missing (scripts/deps.sh measure)" >&2; exit 1; }
echo "making $OUT (once)..." >&2
mkdir -p "$(dirname "$OUT")"
TMP=$OUT.upright.mp4
trap 'rm -f "$TMP"' EXIT
ffmpeg -nostdin -hide_banner -loglevel error -y -loop 1 -framerate 30 -i "$PHOTO" \
	-f lavfi -i "sine=frequency=300:sample_rate=48000" -t "$SECS" \
	-vf "scale=3840:-2,crop=1080:1920:x='(iw-1080)*(0.5+0.5*sin(t/7))':y='(ih-1920)*(0.5+0.5*sin(t/11))',noise=alls=5:allf=t,transpose=cclock,format=yuv420p" \
	-c:v libx264 -preset veryfast -profile:v high -b:v 16M -maxrate 20M -bufsize 20M -g 30 \
	-c:a aac -b:a 128k -shortest -f mp4 "$TMP"
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$TMP" -map 0 -c copy -metadata:s:v:0 rotate=270 -f mp4 "$OUT"
