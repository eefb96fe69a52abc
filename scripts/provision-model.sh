#!/usr/bin/env bash
# provision-model.sh - put the YuNet face-detector weights into assets/ before go build.
# The weights are not committed (licence and provenance): copy them from ../shared when
# it is beside the checkout, otherwise download the pinned upstream file; check SHA-256
# either way, and fail loudly rather than build a binary without a detector.
set -euo pipefail
cd "$(dirname "$0")/.."

name=yunet_n_dynamic.onnx
sum=104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12
url=https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/0047ac24afb1a50a0c6105001c89d1b5b805dbf1/onnx/$name
dest=assets/$name
shared=../shared/models/yunet

# sha256sum on Linux, shasum on macOS.
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi; }
ok() { [ -f "$1" ] && [ "$(sha256 "$1" | cut -c1-64)" = "$sum" ]; }

ok "$dest" && [ -f assets/LICENSE-yunet.txt ] && exit 0
tmp=$(mktemp "assets/.$name.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if [ -f "$shared/$name" ]; then
  cp "$shared/$name" "$tmp"
  [ -f "$shared/LICENSE-libfacedetection.train.txt" ] && { rm -f assets/LICENSE-yunet.txt; cp "$shared/LICENSE-libfacedetection.train.txt" assets/LICENSE-yunet.txt; chmod 644 assets/LICENSE-yunet.txt; }
elif command -v curl >/dev/null; then
  echo "provision-model: ../shared not found, downloading $name from its pinned upstream commit" >&2
  curl -fsSL --max-time 120 -o "$tmp" "$url" || { echo "provision-model: download failed; put $name in $shared or $dest" >&2; exit 1; }
  curl -fsSL --max-time 60 -o assets/LICENSE-yunet.txt "${url%/onnx/*}/LICENSE" || { echo "provision-model: licence download failed" >&2; exit 1; }
else
  echo "provision-model: no $shared/$name and no curl to download it" >&2; exit 1
fi
if ! ok "$tmp"; then
  echo "provision-model: $name has the wrong SHA-256 (want $sum); refusing to build with it" >&2
  exit 1
fi
chmod 644 "$tmp"; mv "$tmp" "$dest"
trap - EXIT
echo "provision-model: $dest ready" >&2
