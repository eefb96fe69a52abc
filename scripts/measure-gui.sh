#!/bin/bash
# measure-gui.sh BIN [PHOTO] [RUNS]: the desktop app's responsiveness and
# memory figures, which the tests only log (a loaded machine makes any time
# limit flaky). Each run starts the real binary
# under Xvfb with a bare environment and VEIL_TIMINGS=1, waits for face
# finding, clicks "Save redacted copy…", confirms the save dialog, closes the
# "Saved" message and quits with Shift x3. One line per run: time to the
# first frame (wall and process CPU; the target is 0.5 s CPU for 24 MP), peak
# RSS (VmHWM), the slowest UI-goroutine response during
# detection, during the redaction, and from the save dialog to the written,
# re-checked file, and how long the process took to end after Shift x3.
# Without PHOTO, a 6000x4000 JPEG with camera metadata is made from the
# shared astronaut portrait (ImageMagick, exiftool). PHOTO may be any format
# Veil opens (e.g. the iPhone HEIC in ../shared); it keeps its extension.
# VEIL_NOWARM=1 in VEIL_MEASURE_ENV turns off the shader warm-up (app/warmup.go).
# VEIL_STALL_STACKS=1 also logs the UI goroutine's stack during stalls
# (logs are kept in $OUT, default out/measure). VEIL_MEASURE_ENV adds
# variables to the bare environment (e.g. "LP_NUM_THREADS=1").
set -euo pipefail

BIN=${1:?usage: measure-gui.sh BIN [PHOTO] [RUNS]}
BIN=$(realpath "$BIN")
RUNS=${3:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${OUT:-$ROOT/out/measure}")
mkdir -p "$OUT"

if [ -z "${DISPLAY:-}" ] || [ -z "${VEIL_MEASURE_INNER:-}" ]; then
	for t in xvfb-run xdotool convert; do
		command -v "$t" >/dev/null || { echo "measure: $t is missing (make deps-smoke)" >&2; exit 1; }
	done
	export VEIL_MEASURE_INNER=1 OUT
	exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" "$0" "$BIN" "${2:-}" "$RUNS"
fi

PHOTO=${2:-}
if [ -z "$PHOTO" ]; then
	PHOTO="$OUT/24mp.jpg"
	if [ ! -f "$PHOTO" ]; then
		convert "$ROOT/../shared/fixtures/faces/skimage_astronaut.png" -resize 6000x4000! -quality 92 "$PHOTO"
		if command -v exiftool >/dev/null; then
			exiftool -q -overwrite_original -GPSLatitude=51.5007 -GPSLatitudeRef=N -GPSLongitude=0.1246 \
				-GPSLongitudeRef=W -Make=Canon -Model="EOS 80D" -SerialNumber=0123456789 \
				-Artist="Jane Doe" -DateTimeOriginal="2025:07:01 12:34:56" "$PHOTO"
		fi
	fi
fi

worst() { grep "timing: $1" "$2" | grep -o 'previous step: [0-9.]*' | cut -d' ' -f3 | head -1; }

for run in $(seq "$RUNS"); do
	W="$OUT/run$run"
	rm -rf "$W" && mkdir -p "$W/home" "$W/tmp" "$W/out"
	EXT=${PHOTO##*.}
	cp "$PHOTO" "$W/out/photo.$EXT"
	env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} HOME="$W/home" TMPDIR="$W/tmp" \
		LANG=en_US.UTF-8 VEIL_TIMINGS=1 VEIL_STALL_STACKS="${VEIL_STALL_STACKS:-}" ${VEIL_MEASURE_ENV:-} "$BIN" "$W/out/photo.$EXT" 2>"$W/log" &
	PID=$!
	timeout 30 xdotool search --sync --onlyvisible --name '^Veil$' >/dev/null
	for _ in $(seq 300); do grep -q 'timing: detected' "$W/log" && break; sleep 0.1; done
	sleep 1
	xdotool mousemove 974 752 click 1 # "Save redacted copy…"
	for _ in $(seq 600); do grep -q 'redacted and checked' "$W/log" && break; sleep 0.1; done
	sleep 0.7
	xdotool key Return # the save dialog's suggested name
	for _ in $(seq 300); do grep -q 'saved and checked' "$W/log" && break; sleep 0.1; done
	sleep 0.5
	HWM=$(awk '/VmHWM/{print $2}' "/proc/$PID/status")
	xdotool key Return
	sleep 0.3
	xdotool mousemove 300 300 key --delay 150 shift shift shift
	T0=$(date +%s%N)
	for _ in $(seq 500); do kill -0 "$PID" 2>/dev/null || break; sleep 0.01; done
	QE="$((($(date +%s%N) - T0) / 1000000)) ms"
	kill -0 "$PID" 2>/dev/null && QE="over 5 s (killed)"
	kill "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || true
	FF=$(grep -o 'timing: first frame [0-9.]*' "$W/log" | cut -d' ' -f4)
	FFCPU=$(grep -o 'timing: first frame [0-9.]* ms (process CPU [0-9.]*' "$W/log" | awk '{print $NF}')
	echo "run $run: first frame ${FF} ms (CPU ${FFCPU} ms), peak RSS $((HWM / 1024)) MB, slowest UI response: detection $(worst detected "$W/log") ms, redaction $(worst 'redacted and checked' "$W/log") ms, save dialog to checked file $(worst 'saved and checked' "$W/log") ms, quick exit ${QE}"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
