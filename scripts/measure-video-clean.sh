#!/bin/bash
# measure-video-clean.sh [KIND...]: veil clean of a 1 GB MP4 side by side
# with cp + sync of the same file (issue 11: cleaning a big video should be
# bounded by the disk, as a copy is). KIND is
#   phone  a phone-like 1080p30 clip at 16 Mb/s (scripts/make-phone-clip.sh)
#          looped to ~1 GB: ~16,000 video frames, ~60 KB each;
#   dense  the shared chair-22 fixture (SD, ~3 KB a frame) looped to
#          ~1.05 GB: ~760,000 samples, the sample tables' worst case.
# Default: both. Streams are copied, nothing is encoded. Each input is made
# in a scratch folder under /tmp and read once so both commands start with
# it in the page cache (the outputs are never cached beforehand); then
# three interleaved runs of each under GNU time: wall, user + sys CPU, peak
# RSS. Then the disk work a verified write needs beyond cp: an O_DIRECT
# read of the copy. Everything in /tmp is deleted at the end. The load is
# printed before and after: on a shared machine the figures are only as
# quiet as it was; CPU seconds are the steadier figure.
set -euo pipefail

KINDS=${*:-phone dense}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CHAIR=$ROOT/../shared/fixtures/video/chair-22-sd-grey-bar.mp4
[ -f "$CHAIR" ] || { echo "measure-video-clean: needs ../shared/fixtures/video beside the repository" >&2; exit 1; }
for t in ffmpeg /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "measure-video-clean: $t is missing (scripts/deps.sh measure)" >&2; exit 1; }
done
go build -tags "$(./scripts/tags.sh VEIL_TAGS)" -o out/veil-measure .
DIR=$(mktemp -d /tmp/veil-measure-video.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
fmt='wall %e s, CPU %U user + %S sys, peak RSS %M KB'
for kind in $KINDS; do
	case $kind in
	phone)
		./scripts/make-phone-clip.sh 60 out/bench/phone-60s.mp4
		src=out/bench/phone-60s.mp4 loops=7 ;;
	dense) src=$CHAIR loops=440 ;;
	*) echo "measure-video-clean: unknown kind $kind (phone, dense)" >&2; exit 2 ;;
	esac
	ffmpeg -nostdin -hide_banner -loglevel error -stream_loop "$loops" -i "$src" -map 0 -c copy "$DIR/big.mp4"
	echo "== $kind: $(stat -c %s "$DIR/big.mp4") bytes, $(ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$DIR/big.mp4" | awk '{s+=$1} END{print s}') samples; cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	cat "$DIR/big.mp4" >/dev/null
	for i in 1 2 3; do
		/usr/bin/time -f "cp + sync   $fmt" sh -c "cp '$DIR/big.mp4' '$DIR/copy.mp4' && sync '$DIR/copy.mp4'"
		/usr/bin/time -f "  + O_DIRECT read of the copy: wall %e s" dd if="$DIR/copy.mp4" of=/dev/null bs=4M iflag=direct status=none
		rm -f "$DIR/copy.mp4"
		/usr/bin/time -f "veil clean  $fmt" out/veil-measure clean -o "$DIR/out" "$DIR/big.mp4" >/dev/null
		rm -rf "$DIR/out"
	done
	rm -f "$DIR/big.mp4"
	echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
