#!/usr/bin/env bash
# windows.sh build|dist - Veil for 64-bit Windows, cross-built on Debian.
#
#   build  bin/veil.exe      the windowed app (icon, manifest and version
#                            resource through Fyne's packaging)
#          bin/veil-cli.exe  the command line (a console program: a Windows
#                            program is either windowed or console)
#   dist   dist/veil-VERSION-windows-amd64.zip: both, a READ-ME and the
#          licence notices of everything linked into them
#
# cgo with mingw-w64 from apt; libjpeg-turbo linked statically (scripts/
# libjpeg-mingw.sh), so the exes need only Windows' own DLLs, which build
# checks. A cold build compiles Fyne's GL and GLFW C code for Windows (about
# 11 minutes here); afterwards a rebuild takes seconds. Tags come from
# tags.mk: VEIL_TAGS for the CLI, VEIL_PACKAGE_TAGS for the app.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
. scripts/tags.sh
tags=$(tags VEIL_TAGS)
package_tags=$(tags VEIL_PACKAGE_TAGS)
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc

# dlls lists the DLLs an exe imports.
dlls() { x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^\s*DLL Name: //p' | sort -u; }

# check_imports fails when an exe needs a DLL that is not part of Windows.
check_imports() {
	local bad
	bad=$(dlls "$1" | grep -viE '^(kernel32|user32|gdi32|opengl32|shell32|advapi32|ole32|ws2_32|winmm|msvcrt|ntdll|bcrypt|bcryptprimitives|powrprof|imm32|dwmapi|shcore|comdlg32|uxtheme|version|setupapi|cfgmgr32|hid|dinput8|xinput1_4|crypt32|secur32|userenv|iphlpapi|dbghelp)\.dll$' || true)
	if [ -n "$bad" ]; then
		echo "windows: $1 needs DLLs that Windows does not have: $bad" >&2
		exit 1
	fi
	echo "windows: $1 imports only Windows DLLs: $(dlls "$1" | tr '\n' ' ')" >&2
}

build() {
	./scripts/deps.sh windows
	./scripts/libjpeg-mingw.sh
	mkdir -p bin
	"$GO" build -tags "$tags" -trimpath -ldflags "-s -w" -o bin/veil-cli.exe ./cmd/veil-cli
	check_imports bin/veil-cli.exe

	# The packaging tool runs here, so it is built for this machine.
	GOOS= GOARCH= CGO_ENABLED= CC= "$GO" install fyne.io/fyne/v2/cmd/fyne@v2.7.1
	local fyne
	fyne="$(GOOS= GOARCH= "$GO" env GOPATH)/bin/fyne"
	# fyne package bumps the build number in FyneApp.toml and writes its
	# resource object (fyne.syso) and Veil.exe into the working tree: keep
	# the file as committed, leave nothing behind even on failure.
	cp FyneApp.toml bin/.FyneApp.toml
	trap 'mv -f bin/.FyneApp.toml FyneApp.toml; rm -f fyne.syso fyne_metadata_init.go Veil.exe' EXIT
	"$fyne" package -os windows -release -tags "$package_tags" >/dev/null
	mv -f Veil.exe bin/veil.exe
	check_imports bin/veil.exe
	ls -l bin/veil.exe bin/veil-cli.exe >&2
}

# notices copies the licence files of everything linked into the exes.
notices() {
	local out=$1 exe mod ver dir f
	mkdir -p "$out"
	cp "$(GOOS= GOARCH= "$GO" env GOROOT)/LICENSE" "$out/Go-LICENSE.txt"
	cp build/libjpeg-mingw/licenses/* "$out/"
	cp assets/LICENSE-yunet.txt "$out/YuNet-face-detector-LICENSE.txt"
	# mingw-w64's start-up code and libgcc are linked in as well.
	for f in /usr/share/doc/mingw-w64-x86-64-dev/copyright /usr/share/doc/gcc-mingw-w64-base/copyright; do
		[ -f "$f" ] && cp "$f" "$out/$(basename "$(dirname "$f")")-copyright.txt"
	done
	# Every Go module in either exe, with the licences of the code it carries
	# (Fyne's fonts, GLFW, libheif and libde265 in gen2brain/heic, ...).
	for exe in bin/veil.exe bin/veil-cli.exe; do
		"$GO" version -m "$exe" | awk '$1 == "dep" || $1 == "=>" { print $2, $3 }'
	done | sort -u | while read -r mod ver; do
		dir="$(GOOS= GOARCH= "$GO" env GOMODCACHE)/$(echo "$mod" | sed 's/[A-Z]/!\L&/g')@$ver"
		[ -d "$dir" ] || { echo "windows: no module source for $mod $ver" >&2; exit 1; }
		local found=0
		while IFS= read -r f; do
			mkdir -p "$out/$mod"
			cp "$f" "$out/$mod/$(echo "${f#"$dir"/}" | tr / _)"
			found=1
		done < <(find "$dir" -maxdepth 5 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' -o -iname 'NOTICE*' \) \
			-not -path '*/testdata/*' -not -path '*/_examples/*' -not -path '*/example*/*' | sort)
		[ "$found" = 1 ] || { echo "windows: $mod $ver has no licence file" >&2; exit 1; }
		# Rust crates compiled into a module's WebAssembly (gen2brain/heic):
		# their licence texts are not in the Go module; list them at least.
		if [ -f "$dir/lib/Cargo.lock" ]; then
			{
				echo "Rust crates compiled into $mod $ver (from its lib/Cargo.lock); their"
				echo "licence texts are not part of the Go module: see each crate on crates.io."
				echo
				grep -A1 '^name = ' "$dir/lib/Cargo.lock" | paste - - - | sed 's/name = "\([^"]*\)".*version = "\([^"]*\)".*/\1 \2/'
			} >"$out/$mod/RUST-CRATES.txt"
		fi
	done
}

dist() {
	local version name stage
	version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
	name="veil-$version-windows-amd64"
	stage="build/dist/$name"
	rm -rf "$stage" && mkdir -p "$stage" dist
	cp bin/veil.exe bin/veil-cli.exe "$stage/"
	notices "$stage/licenses"
	sed 's/$/\r/' >"$stage/READ-ME.txt" <<EOF
Veil $version for Windows 10 and 11 (64-bit)

Veil makes photos safe to share or to report, entirely on this computer:
Clean removes identifying details (location, camera, dates) without changing
the picture, Redact covers faces and anything else you mark, Hash gives the
fingerprints (PDQ, MD5, SHA-256) that reporting services ask for.

  veil.exe       double-click to start Veil. Nothing to install.
  veil-cli.exe   the same functions from a Command Prompt or PowerShell:
                 veil-cli help

Veil never connects to the internet and leaves nothing behind on this
computer: no settings, recent files or temporary files. Quick exit: press
Shift three times, or the Quick exit button, and Veil closes at once.

Windows may say "Windows protected your PC" the first time, because this
copy of Veil is not signed: choose "More info", then "Run anyway".

The licences of everything inside Veil are in the licenses folder.
EOF
	rm -f "dist/$name.zip"
	(cd build/dist && zip -q -r -X "../../dist/$name.zip" "$name")
	ls -l "dist/$name.zip" >&2
}

case "${1:-}" in
build) build ;;
dist) dist ;;
*) echo "usage: windows.sh build|dist" >&2; exit 2 ;;
esac
