#!/usr/bin/env bash
# libjpeg-wasm.sh - regenerate photo/internal/libjpegwasm/libjpeg.go: the
# cgo-free JPEG decoder. libjpeg-turbo (Debian's source package, the version
# the Linux build links) plus Veil's wrapper (photo/jpeg_turbo.h) are compiled
# to WebAssembly (wasm32-wasi, clang 14, wasi-libc) and translated to Go by
# wasm2go.
#
# The generated file is committed, so builds and CI need none of this; run it
# (go generate ./photo/internal/libjpegwasm) after changing jpeg_turbo.h or
# the library version. The build folder is build/libjpeg-wasm (ignored).
# Needs the Debian packages clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# cmake dpkg-dev (installed when missing).
set -euo pipefail

ver=${LIBJPEG_TURBO:-1:2.1.5-2}
wasm2go=github.com/ncruces/wasm2go@v0.4.22
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/build/src/libjpeg-turbo-${ver#*:}"
out="$root/build/libjpeg-wasm"
pkg="$root/photo/internal/libjpegwasm"

"$root/scripts/deps.sh" wasm
"$root/scripts/debian-source.sh" libjpeg-turbo "$ver" "$src"

mkdir -p "$out/cmake"
cat >"$out/wasi.cmake" <<'EOF'
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER clang-14)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_AR /usr/bin/llvm-ar-14)
set(CMAKE_RANLIB /usr/bin/llvm-ranlib-14)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
EOF
# Bulk memory turns memcpy/memset into single instructions, which wasm2go
# translates into Go's copy and clear; sign-ext and nontrapping-fptoint are
# plain instructions instead of helper sequences. Integer arithmetic is the
# same on every target, so the pixels equal the native library's: its SIMD
# code is exact to its C code for the ISLOW IDCT, upsampling and colour.
flags="-O2 -mbulk-memory -msign-ext -mnontrapping-fptoint -mmutable-globals"
(cd "$out/cmake" && cmake "$src" -DCMAKE_TOOLCHAIN_FILE="$out/wasi.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="$flags" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=OFF -DWITH_TURBOJPEG=OFF \
  -DWITH_JAVA=OFF -DWITH_12BIT=OFF >/dev/null && make -j2 jpeg-static >/dev/null)

# A reactor (library) module; the stack first, so an overflow traps (a Go
# panic the caller recovers) instead of overwriting data.
clang-14 --target=wasm32-wasi $flags -mexec-model=reactor -Wall -Werror -Wno-unused-function \
  -I "$root/photo" -I "$out/cmake" -I "$src" \
  -Wl,--stack-first -Wl,-z,stack-size=1048576 -Wl,--strip-all \
  "$pkg/lib/shim.c" "$out/cmake/libjpeg.a" -o "$out/libjpeg.wasm"

GOFLAGS=-mod=mod go run "$wasm2go" -pkg libjpegwasm -unsafe -o "$out/libjpeg.go.gen" "$out/libjpeg.wasm"
{
  echo "// libjpeg-turbo $ver (Debian source package) and photo/jpeg_turbo.h,"
  echo "// compiled to wasm32-wasi by $(clang-14 --version | head -1) and translated by"
  echo "// $wasm2go: scripts/libjpeg-wasm.sh."
  echo
  cat "$out/libjpeg.go.gen"
} >"$pkg/libjpeg.go"
gofmt -l "$pkg/libjpeg.go" | (! grep .)
# wasi-libc is compiled in too: its notices go with the generated code.
cp /usr/share/doc/wasi-libc/copyright "$pkg/wasi-libc.copyright"
echo "libjpeg-wasm: $(wc -c <"$out/libjpeg.wasm") bytes of WebAssembly -> $(wc -c <"$pkg/libjpeg.go") bytes of Go" >&2
