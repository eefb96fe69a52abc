#!/bin/bash
# measure-video-clean.sh [LOOPS]: veil clean of a 1 GB MP4 side by side
# with cp + sync of the same file (issue 11: cleaning a big video should be
# bounded by the disk, as a copy is). Makes a movie of the shared
# chair-22 fixture looped LOOPS times (default 440, ~1.05 GB; streams
# copied, nothing encoded) in a scratch folder under /tmp, then runs each
# three times, interleaved, under GNU time: wall, user + sys CPU, peak RSS.
# The input is read once first so both start with it in the page cache;
# the outputs are never cached beforehand. Everything is deleted at the
# end. The load is printed before and after: on a shared machine the
# figures are only as quiet as it was; CPU seconds are the steadier figure.
set -euo pipefail

LOOPS=${1:-440}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC=$ROOT/../shared/fixtures/video/chair-22-sd-grey-bar.mp4
[ -f "$SRC" ] || { echo "measure-video-clean: needs ../shared/fixtures/video beside the repository" >&2; exit 1; }
for t in ffmpeg /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "measure-video-clean: $t is missing (scripts/deps.sh measure)" >&2; exit 1; }
done
go build -tags "$(./scripts/tags.sh VEIL_TAGS)" -o out/veil-measure .
DIR=$(mktemp -d /tmp/veil-measure-video.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
ffmpeg -nostdin -hide_banner -loglevel error -stream_loop "$LOOPS" -i "$SRC" -map 0 -c copy "$DIR/big.mp4"
echo "input: $(stat -c %s "$DIR/big.mp4") bytes; cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$DIR/big.mp4" >/dev/null
fmt='wall %e s, CPU %U user + %S sys, peak RSS %M KB'
for i in 1 2 3; do
	/usr/bin/time -f "cp + sync   $fmt" sh -c "cp '$DIR/big.mp4' '$DIR/copy.mp4' && sync '$DIR/copy.mp4'"
	rm -f "$DIR/copy.mp4"
	/usr/bin/time -f "veil clean  $fmt" out/veil-measure clean -o "$DIR/out" "$DIR/big.mp4" >/dev/null
	rm -rf "$DIR/out"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
