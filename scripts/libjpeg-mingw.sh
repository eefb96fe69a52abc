#!/usr/bin/env bash
# libjpeg-mingw.sh - a static libjpeg-turbo for 64-bit Windows, cross-built
# with mingw-w64 from Debian's source package of the version the Linux build
# links, into build/libjpeg-mingw/{include,lib} (ignored). photo/
# jpeg_flags_windows.go points cgo there, so no global CGO_CFLAGS changes
# (that would rebuild all of Fyne's C code). Only libjpeg.a is made, no DLL:
# -ljpeg links it into the exe. SIMD through nasm, as on Linux.
# Needs cmake nasm gcc-mingw-w64-x86-64 dpkg-dev (installed when missing).
set -euo pipefail

ver=${LIBJPEG_TURBO:-1:2.1.5-2}
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/build/src/libjpeg-turbo-${ver#*:}"
out="$root/build/libjpeg-mingw"
stamp="$out/.version"

if [ -f "$out/lib/libjpeg.a" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ver" ]; then
  exit 0
fi
"$root/scripts/deps.sh" windows
"$root/scripts/debian-source.sh" libjpeg-turbo "$ver" "$src"

rm -rf "$out"
mkdir -p "$out/cmake" "$out/include" "$out/lib" "$out/licenses"
cat >"$out/mingw.cmake" <<'EOF'
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF
(cd "$out/cmake" && cmake "$src" -DCMAKE_TOOLCHAIN_FILE="$out/mingw.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$out/install" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=OFF -DWITH_JAVA=OFF \
  -DREQUIRE_SIMD=ON >/dev/null &&
  make -j2 jpeg-static >/dev/null)
cp "$src"/{jpeglib.h,jerror.h,jmorecfg.h} "$out/cmake/jconfig.h" "$out/include/"
cp "$out/cmake/libjpeg.a" "$out/lib/"
# The notices the licence asks to ship with the program (IJG, BSD-3, zlib).
cp "$src/LICENSE.md" "$out/licenses/libjpeg-turbo-LICENSE.md"
cp "$src/README.ijg" "$out/licenses/libjpeg-turbo-README.ijg"
echo "$ver" >"$stamp"
echo "libjpeg-mingw: libjpeg-turbo $ver, $(wc -c <"$out/lib/libjpeg.a") bytes in $out/lib/libjpeg.a" >&2
