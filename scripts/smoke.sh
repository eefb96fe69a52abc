#!/bin/bash
# smoke.sh BIN OUTDIR: start the real Veil binary under Xvfb with a photo,
# drive it with xdotool (open, detections, add a region, before/after, hash
# panel, about box, batch view, a video with its clean copy, quick exit) and take screenshots with
# ImageMagick's import. Checks on the way: the window appears, the process
# survives every step, quick exit (Shift x3) ends it within a second, and
# HOME and TMPDIR are still empty afterwards.
#
# The window sits at (0,0) with no window manager, at its default size; the
# click positions below are for that layout at scale 1.
set -euo pipefail

BIN=${1:?usage: smoke.sh BIN OUTDIR}
OUT=${2:?usage: smoke.sh BIN OUTDIR}
BIN=$(realpath "$BIN")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

if [ -z "${DISPLAY:-}" ] || [ -z "${VEIL_SMOKE_INNER:-}" ]; then
	for t in xvfb-run xdotool import xclip; do
		command -v "$t" >/dev/null || { echo "smoke: $t is missing (make deps-smoke)" >&2; exit 1; }
	done
	export VEIL_SMOKE_INNER=1
	exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" "$0" "$BIN" "$OUT"
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$OUT/work"
rm -rf "$WORK" && mkdir -p "$WORK/home" "$WORK/tmp" "$WORK/photos"
SHOTS="$OUT/shots"
mkdir -p "$SHOTS"

# A photo with a face and identifying metadata: the public-domain NASA
# portrait from the shared fixtures when present (so the screenshots may be
# published), or SMOKE_PHOTO; otherwise ImageMagick draws one (no face then).
PHOTO="$WORK/photos/IMG_20250701_123456.jpg"
FIX="${SMOKE_PHOTO:-$ROOT/../shared/fixtures/faces/skimage_astronaut.png}"
if [ -f "$FIX" ]; then
	convert "$FIX" -resize 1600x1600 -quality 92 "$PHOTO"
else
	convert -size 1600x1000 gradient:skyblue-khaki -fill white -draw "circle 500,400 600,500" "$PHOTO"
fi
chmod u+w "$PHOTO"
if command -v exiftool >/dev/null; then
	exiftool -q -overwrite_original -GPSLatitude=51.50070 -GPSLatitudeRef=N -GPSLongitude=0.12460 \
		-GPSLongitudeRef=W -Make=Canon -Model="EOS 80D" -SerialNumber=0123456789 \
		-Artist="Jane Doe" -DateTimeOriginal="2025:07:01 12:34:56" "$PHOTO"
fi
for i in 1 2 3; do cp "$PHOTO" "$WORK/photos/copy-$i.jpg"; done
SUM=$(sha256sum "$PHOTO" | cut -d' ' -f1)

shot() { sleep "${2:-0.6}"; import -window root "$SHOTS/$1.png"; echo "smoke: $1.png"; }
alive() { kill -0 "$PID" 2>/dev/null || { echo "smoke: Veil died during: $1" >&2; cat "$WORK/veil.log" >&2; exit 1; }; }
click() { xdotool mousemove "$1" "$2" click 1; }

env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} HOME="$WORK/home" TMPDIR="$WORK/tmp" \
	LANG="${SMOKE_LANG:-en_US.UTF-8}" VEIL_TIMINGS=1 "$BIN" "$PHOTO" >"$WORK/veil.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT

WID=$(timeout 30 xdotool search --sync --onlyvisible --name '^Veil$' | head -1)
[ -n "$WID" ] || { echo "smoke: no window titled Veil" >&2; exit 1; }
for _ in $(seq 100); do grep -q 'detected' "$WORK/veil.log" && break; sleep 0.1; done
grep 'veil timing' "$WORK/veil.log" || true
shot 01-opened-faces-found 0.8
alive "open"

# Cover the name badge: drag a region on the photo.
xdotool mousemove 388 468 mousedown 1 mousemove 420 490 mousemove 458 512 mouseup 1
shot 02-region-added
alive "add region"

click 368 666 # "Show result"
shot 03-show-result 1.2
click 368 666
alive "before/after"

click 968 122 # "Hash for reporting"
shot 04-hashes 2.5
alive "hash panel"

click 819 122 # back to "What it reveals"
click 955 29  # About
shot 05-about 0.8
xdotool key Escape
sleep 0.3
alive "about"

click 156 77 # "Many files"
sleep 0.3
# Drop is not possible under Xvfb; the batch view is filled from a second start below.
shot 06-batch-empty 0.5
click 50 77
alive "batch"

# Open photo or video… (Ctrl+O) shows Veil's own file browser, quick exit inside it.
xdotool key ctrl+o
shot 07-file-browser 1
click 550 670 # Cancel
alive "file browser"

# Paste a picture copied elsewhere (xclip serves it as a browser would).
convert "$PHOTO" -resize 1200x1200 "$WORK/copied.png"
xclip -quiet -selection clipboard -t image/png -i "$WORK/copied.png" >/dev/null 2>&1 &
XCLIP=$!
sleep 0.5
click 265 28 # Paste
for _ in $(seq 100); do [ "$(grep -c 'timing: detected' "$WORK/veil.log")" -ge 2 ] && break; sleep 0.1; done
shot 08-pasted-picture 0.8
kill $XCLIP 2>/dev/null || true
alive "paste"

# Quick exit: Shift three times. The process must be gone within a second.
xdotool mousemove 400 400 windowfocus "$WID" 2>/dev/null || true
xdotool key --delay 150 shift shift
sleep 0.15
xdotool key shift
T0=$(date +%s%N)
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.02; done
if kill -0 "$PID" 2>/dev/null; then echo "smoke: still running after quick exit" >&2; exit 1; fi
T1=$(date +%s%N)
echo "smoke: quick exit took $(( (T1 - T0) / 1000000 )) ms after the last key event was sent"
wait "$PID" || true
trap - EXIT

# Nothing left behind.
for d in home tmp; do
	if [ -n "$(ls -A "$WORK/$d")" ]; then echo "smoke: $d not empty:" >&2; find "$WORK/$d" >&2; exit 1; fi
done
[ "$(sha256sum "$PHOTO" | cut -d' ' -f1)" = "$SUM" ] || { echo "smoke: the original changed" >&2; exit 1; }

# Batch view: start with a folder.
env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} HOME="$WORK/home" TMPDIR="$WORK/tmp" \
	LANG="${SMOKE_LANG:-en_US.UTF-8}" "$BIN" "$WORK/photos" >"$WORK/veil2.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
timeout 30 xdotool search --sync --onlyvisible --name '^Veil$' >/dev/null
sleep 0.8
click 1015 752 # "Hash all"
shot 09-batch-hashed 3
alive "batch hash"
click 1097 29 # Quick exit button
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.02; done
if kill -0 "$PID" 2>/dev/null; then echo "smoke: quick exit button did not end Veil" >&2; exit 1; fi
trap - EXIT
for d in home tmp; do
	if [ -n "$(ls -A "$WORK/$d")" ]; then echo "smoke: $d not empty after the second run" >&2; exit 1; fi
done
# A phone video: poster frame, what it reveals, its hashes, a clean copy,
# then quick exit. The iPhone MOV from the shared fixtures when present,
# otherwise FFmpeg makes a short clip.
VIDEO="$WORK/videos/IMG_0042.MOV"
mkdir -p "$WORK/videos"
if [ -f "$ROOT/../shared/fixtures/video/mov-with-gps.mov" ]; then
	cp "$ROOT/../shared/fixtures/video/mov-with-gps.mov" "$VIDEO"
else
	ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=duration=3:size=320x240:rate=25 -c:v mpeg4 \
		-metadata location=+51.5007-000.1246/ "$VIDEO"
fi
chmod u+w "$VIDEO"
VSUM=$(sha256sum "$VIDEO" | cut -d' ' -f1)
env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} HOME="$WORK/home" TMPDIR="$WORK/tmp" \
	LANG="${SMOKE_LANG:-en_US.UTF-8}" VEIL_TIMINGS=1 "$BIN" "$VIDEO" >"$WORK/veil3.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
timeout 30 xdotool search --sync --onlyvisible --name '^Veil$' >/dev/null
for _ in $(seq 300); do grep -q 'timing: first frame' "$WORK/veil3.log" && break; sleep 0.1; done
shot 10-video 0.8
alive "video"
click 968 122 # "Hash for reporting"
shot 11-video-hash 2
alive "video hash"
click 974 753 # "Save clean copy…"
sleep 1
xdotool key Return # save under the neutral name offered, beside the original
for _ in $(seq 300); do ls "$WORK/videos"/video-* >/dev/null 2>&1 && break; sleep 0.1; done
shot 12-video-saved 1
alive "video clean copy"
ls "$WORK/videos"/video-* >/dev/null 2>&1 || { echo "smoke: no clean copy of the video" >&2; exit 1; }
xdotool mousemove 400 400 key --delay 150 shift shift shift
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.02; done
if kill -0 "$PID" 2>/dev/null; then echo "smoke: quick exit did not end Veil (video)" >&2; exit 1; fi
trap - EXIT
for d in home tmp; do
	if [ -n "$(ls -A "$WORK/$d")" ]; then echo "smoke: $d not empty after the video run" >&2; exit 1; fi
done
[ "$(sha256sum "$VIDEO" | cut -d' ' -f1)" = "$VSUM" ] || { echo "smoke: the original video changed" >&2; exit 1; }
echo "smoke: OK, screenshots in $SHOTS"
