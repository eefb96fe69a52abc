#!/usr/bin/env bash
# deps.sh GROUP... - install the Debian packages Veil needs, only those missing.
# Groups: build (cgo GUI binary; FFmpeg, which Veil runs for videos only), test (all tests: build + leak checker, strace, Xvfb),
#         smoke (real window under Xvfb, screenshots, input),
#         bench (scripts/compare-exiftool.sh: hyperfine and exiftool),
#         measure (scripts/measure-heic.sh: libheif's heif-convert, GNU time),
#         wasm (regenerate the cgo-free JPEG decoder), windows (cross-build for Windows),
#         wine (test the Windows build under wine).
# Idempotent; works as root or through sudo; waits for another apt to finish.
set -euo pipefail

pkgs_build="gcc libc6-dev pkg-config ca-certificates ffmpeg libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libturbojpeg0-dev libjpeg62-turbo-dev libheif-dev libde265-dev fonts-wqy-microhei"
pkgs_test="gcc libc6-dev pkg-config libturbojpeg0-dev libimage-exiftool-perl perl strace xvfb xauth libjpeg-turbo-progs xclip"
pkgs_smoke="xvfb xauth xdotool imagemagick x11-utils xclip"
pkgs_bench="hyperfine libimage-exiftool-perl"
pkgs_measure="libheif-examples time"
pkgs_source="dpkg-dev cmake"
pkgs_wasm="$pkgs_source clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32"
pkgs_windows="$pkgs_source nasm gcc-mingw-w64-x86-64 zip"
pkgs_wine="$pkgs_windows wine64 xvfb xauth xdotool imagemagick x11-utils"

want=()
for group in "$@"; do
  case "$group" in
    build) want+=($pkgs_build) ;;
    test) want+=($pkgs_build $pkgs_test $pkgs_smoke) ;; # the e2e GUI test builds and drives the real app
    smoke) want+=($pkgs_build $pkgs_smoke) ;;
    bench) want+=($pkgs_bench) ;;
    measure) want+=($pkgs_build $pkgs_smoke $pkgs_measure) ;;
    wasm) want+=($pkgs_wasm) ;;
    windows) want+=($pkgs_windows) ;;
    wine) want+=($pkgs_wine) ;;
    *) echo "deps.sh: unknown group '$group' (build, test, smoke, bench, measure, wasm, windows, wine)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing+=("$p") ;; esac
done
# de-duplicate
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "deps.sh: missing Debian packages: ${missing[*]}; run as root or install sudo" >&2; exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
for try in 1 2 3 4 5; do
  if "${sudo[@]}" apt-get update -qq && \
     "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "deps.sh: apt-get failed (try $try), retrying in 10 s" >&2
  sleep 10
done
echo "deps.sh: could not install: ${missing[*]}" >&2
exit 1
