#!/usr/bin/env bash
# test-windows.sh [gotest] [cli] [gui] - test the Windows build under wine
# (all three when none is named). Run through "make test-windows", which
# builds bin/veil.exe and bin/veil-cli.exe first.
#
#   gotest  go test of the packages below, compiled for Windows and run by
#           wine (go_windows_amd64_exec). Failures wine alone causes are
#           listed with their reason (scripts/wine/known-failures.txt); any
#           other failure fails the run.
#   cli     veil-cli.exe under wine against the Linux build, on every file of
#           ../shared/fixtures/{pdq,metadata,faces}: hash --json --dihedral,
#           inspect --json, detect --json, clean --json -o, redact --faces;
#           and hash, inspect, clean of the MP4/MOV/3GP files in
#           ../shared/fixtures/video. Output must be identical apart from
#           path separators, cleaned and redacted files identical byte for
#           byte. HEIC/HEIF/AVIF are compared with a Linux build using the
#           same embedded decoder as Windows (see cli below).
#   gui     veil.exe under wine and Xvfb: opens a photo, finds its faces;
#           opens a picture pasted with Ctrl+V; a copied hash is on the
#           Windows clipboard with the privacy formats and is gone 60 s
#           later and after quick exit; quick exit (Shift x3) ends it; the
#           prefix's user folders and registry are listed before and after:
#           nothing new.
#
# Everything happens in a throwaway wine prefix under build/wine, made afresh
# each run. Wine 8 (Debian 12) lacks bcryptprimitives.dll, which Go programs
# need; a test-only stand-in (scripts/wine/bcryptprimitives.c) goes into that
# prefix, never into the zip.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
. scripts/tags.sh
tags=$(tags VEIL_TAGS)
test_tags=$(tags VEIL_TEST_TAGS)
# VEIL_WINE_WORK: another folder for the prefix and results, so that two
# stages can run side by side.
work=${VEIL_WINE_WORK:-$root/build/wine}
fixtures="$root/../shared/fixtures"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(gotest cli gui)

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
wine=/usr/lib/wine/wine64
wineserver() { /usr/lib/wine/wineserver "$@"; }
started=$(date +%s)
status=0

log() { echo "test-windows: $*" >&2; }
elapsed() { echo "$(($(date +%s) - $1)) s"; }

prefix() {
	local t0
	t0=$(date +%s)
	wineserver -k 2>/dev/null || true
	rm -rf "$WINEPREFIX" && mkdir -p "$work/bin"
	x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
	$wine wineboot --init >/dev/null 2>&1
	wineserver -w
	# A persistent server, so that no test binary's wine starts it and hands it
	# its output pipe (go test would wait a minute for that pipe to close).
	wineserver -p
	cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
	printf '#!/bin/sh\n# go test runs each Windows test binary through this.\nexec %s "$@"\n' "$wine" >"$work/bin/go_windows_amd64_exec"
	chmod +x "$work/bin/go_windows_amd64_exec"
	log "fresh wine prefix $WINEPREFIX ($($wine --version 2>/dev/null)), $(elapsed "$t0")"
}

gotest() {
	local t0 pkgs
	t0=$(date +%s)
	# Every package but e2e, whose tests build and drive the Linux binary.
	pkgs=$("$GO" list ./... | grep -v '/e2e$')
	log "go test of $(echo "$pkgs" | wc -l) packages under wine"
	PATH="$work/bin:$PATH" GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
		"$GO" test -json -count=1 -timeout 30m -tags "$test_tags" $pkgs >"$work/gotest.json" 2>"$work/gotest.err" || true
	if ! "$GO" run scripts/wine/gotest-report.go "$work/gotest.json" scripts/wine/known-failures.txt | tee "$work/gotest.txt"; then
		status=1
	fi
	log "go test under wine: $(elapsed "$t0")"
}

# The CLI comparison runs three sets of files, each by two sides:
#   photos  every file of pdq, metadata, faces that is not HEIC/HEIF/AVIF:
#           veil-cli.exe against the Linux build Veil ships;
#   heif    the HEIC/HEIF/AVIF files: veil-cli.exe against a Linux build
#           with the embeddedheif tag. Windows decodes them with the
#           embedded decoder (no libheif is linked for Windows), the Linux
#           build with the system's libheif, whose pixels differ slightly;
#           so the same decoder on both sides shows whether Windows differs.
#           How the shipped Linux build differs on them is reported too.
#   video   ../shared/fixtures/video's MP4/MOV/3GP files (hash, inspect and
#           clean; pure Go, no FFmpeg on either side).
# SIDE is linux, linux-embedded or windows; results go to cli/SET/SIDE.

# run SET SIDE OUTNAME ARGS...: one CLI run from inside the fixtures folder.
run() {
	local set=$1 side=$2 name=$3 rc=0 out
	shift 3
	out="$work/cli/$set/$side/$name"
	if [ "$side" = windows ]; then
		(cd "$fixtures" && $wine "$root/bin/veil-cli.exe" "$@") >"$out.out" 2>"$out.err" || rc=$?
	else
		(cd "$fixtures" && "$work/veil-cli-$side" "$@") >"$out.out" 2>"$out.err" || rc=$?
	fi
	echo "$rc" >"$out.rc"
}

# normalise: Windows path separators (JSON-escaped or plain) become
# slashes, and each side's output folder reads OUT.
normalise() {
	sed -e 's/\\\\/\//g' -e 's/\\/\//g' -e 's/\r$//' -e "s|Z:$work/cli/[a-z]*/windows/|OUT/|g" -e "s|$work/cli/[a-z]*/linux[a-z-]*/|OUT/|g" "$1"
}

# cli_side SET SIDE FILE...: the set's commands on the files, by one side.
cli_side() {
	local set=$1 side=$2 ts dir n f ext out
	shift 2
	ts=$(date +%s)
	rm -rf "$work/cli/$set/$side" && mkdir -p "$work/cli/$set/$side/clean" "$work/cli/$set/$side/redact"
	dir="$work/cli/$set/$side"
	[ "$side" = windows ] && dir="Z:$(echo "$dir" | tr / '\\')"
	run "$set" "$side" hash hash --json --dihedral "$@"
	run "$set" "$side" inspect inspect --json "$@"
	run "$set" "$side" clean clean --json -o "$dir/clean" "$@"
	if [ "$set" != video ]; then
		run "$set" "$side" detect detect --json "$@"
		# One redaction per image, in turn as JPEG, PNG and WebP.
		n=0
		for f in "$@"; do
			[[ ${f,,} =~ \.(jpe?g|png|gif|webp|tiff?|heic|heif|avif)$ ]] || continue
			ext=(jpg png webp)
			ext=${ext[$((n % 3))]}
			out="$(echo "$f" | tr / _).$ext"
			if [ "$side" = windows ]; then
				run "$set" "$side" "redact-$n" redact --faces -o "$dir\\redact\\$out" "$f"
			else
				run "$set" "$side" "redact-$n" redact --faces -o "$dir/redact/$out" "$f"
			fi
			n=$((n + 1))
		done
	fi
	log "cli: $set: $side side $(elapsed "$ts")"
}

cli() {
	local t0 photos heif video linux info
	t0=$(date +%s)
	[ -d "$fixtures" ] || { log "cli: ../shared/fixtures not present: skipped"; return; }
	"$GO" build -tags "$tags" -o "$work/veil-cli-linux" ./cmd/veil-cli
	"$GO" build -tags "$tags,embeddedheif" -o "$work/veil-cli-linux-embedded" ./cmd/veil-cli
	mapfile -t photos < <(cd "$fixtures" && find pdq metadata faces -type f | grep -viE '\.(heic|heif|hif|avif)$' | LC_ALL=C sort)
	mapfile -t heif < <(cd "$fixtures" && find pdq metadata faces -type f | grep -iE '\.(heic|heif|hif|avif)$' | LC_ALL=C sort)
	mapfile -t video < <(cd "$fixtures" && find video -maxdepth 1 -type f | grep -iE '\.(mp4|mov|m4v|3gp|3g2)$' | LC_ALL=C sort)
	log "cli: ${#photos[@]} photos, ${#heif[@]} HEIC/HEIF/AVIF, ${#video[@]} videos: Linux builds against veil-cli.exe under wine, side by side"
	# The two sides share nothing, so they run at the same time.
	(
		cli_side photos linux "${photos[@]}"
		cli_side heif linux-embedded "${heif[@]}"
		cli_side heif linux "${heif[@]}"
		cli_side video linux "${video[@]}"
	) &
	linux=$!
	cli_side photos windows "${photos[@]}"
	cli_side heif windows "${heif[@]}"
	cli_side video windows "${video[@]}"
	wait "$linux"
	rm -f "$work/cli-diff.txt"
	{
		echo "== photos: Windows against the Linux build Veil ships"
		compare photos linux || true
		echo "== HEIC/HEIF/AVIF: Windows against Linux with the same (embedded) decoder"
		compare heif linux-embedded || true
		echo "== videos: Windows against the Linux build Veil ships"
		compare video linux || true
	} | tee "$work/cli.txt"
	# compare ran in a pipeline's subshell: its verdict is in cli.txt.
	if grep -q '^DIFFERENT' "$work/cli.txt"; then
		log "cli: Linux and Windows differ; see $work/cli-diff.txt"
		head -60 "$work/cli-diff.txt" >&2
		status=1
	fi
	info=$(compare heif linux 2>/dev/null | grep -E '^total|^files' || true)
	log "cli: for information, HEIC/HEIF/AVIF on Windows against the shipped Linux build (libheif): $(echo "$info" | tr '\n' ';')"
	log "cli: $(elapsed "$t0")"
}

# compare SET SIDE: the set's stdout, stderr and exit status of each
# command, line by line, and the files written, byte for byte, Windows
# against SIDE. Prints a table; a last line DIFFERENT when anything differs.
compare() {
	local set=$1 side=$2 lines=0 same=0 cmd diffs=0 kind a b L W
	L="$work/cli/$set/$side" W="$work/cli/$set/windows"
	printf '%-10s %6s %6s %9s\n' command lines same different
	for cmd in hash inspect detect clean redact; do
		local cl=0 cs=0
		for f in "$L/$cmd"*.out "$L/$cmd"*.err "$L/$cmd"*.rc; do
			[ -e "$f" ] || continue
			[ "$cmd" = redact ] || [[ $(basename "$f") != redact-* ]] || continue
			kind=${f#"$L/"}
			a=$(normalise "$f" | wc -l)
			b=$(diff <(normalise "$f") <(normalise "$W/$kind") | grep -c '^<' || true)
			cl=$((cl + a))
			cs=$((cs + a - b))
			if ! diff -q <(normalise "$f") <(normalise "$W/$kind") >/dev/null; then
				diffs=$((diffs + 1))
				{ echo "--- $set/$kind differs ($side <, windows >):"; diff <(normalise "$f") <(normalise "$W/$kind") | head -20 || true; } >>"$work/cli-diff.txt"
			fi
		done
		if [ "$cl" -gt 0 ]; then
			printf '%-10s %6d %6d %9d\n' "$cmd" "$cl" "$cs" "$((cl - cs))"
		fi
		lines=$((lines + cl))
		same=$((same + cs))
	done
	# The files written: same names, same bytes.
	local written wsame wwin
	written=$(cd "$L" && find clean redact -type f | wc -l)
	wsame=$(comm -12 <(cd "$L" && find clean redact -type f -exec sha256sum {} + | sort) \
		<(cd "$W" && find clean redact -type f -exec sha256sum {} + | sort) | wc -l)
	wwin=$(cd "$W" && find clean redact -type f | wc -l)
	printf '%-10s %6d %6d %9d\n' total "$lines" "$same" "$((lines - same))"
	echo "files written: $side $written, windows $wwin, identical bytes $wsame"
	if [ "$same" -ne "$lines" ] || [ "$wsame" -ne "$written" ] || [ "$wwin" -ne "$written" ] || [ "$diffs" -ne 0 ]; then
		echo "DIFFERENT"
		return 1
	fi
}

# snapshot NAME: what the prefix holds for the user after wine has shut
# down (it writes the registry out then): the files under users\ and the
# Windows temp folder; the registry's keys and value names (NAME.keys, wine's
# per-key timestamps dropped) and its values (NAME.values).
snapshot() {
	wineserver -k 2>/dev/null || true
	wineserver -w
	(cd "$WINEPREFIX/drive_c" && find users windows/temp -mindepth 1 -printf '%y %p\n' 2>/dev/null | LC_ALL=C sort) >"$work/gui/$1.files"
	local f
	for f in user system userdef; do
		awk -v hive="$f" '
			/^\[/ { key = $0; sub(/\] [0-9]+$/, "]", key); print hive " " key > "/dev/stdout"; next }
			/^("|@)/ { name = $0; sub(/"?=.*/, "", name); print hive " " key " " name; print hive " " key " " $0 > "/dev/stderr" }
		' "$WINEPREFIX/$f.reg"
	done 2>"$work/gui/$1.values.tmp" | LC_ALL=C sort >"$work/gui/$1.keys"
	LC_ALL=C sort "$work/gui/$1.values.tmp" >"$work/gui/$1.values" && rm "$work/gui/$1.values.tmp"
}

# veil_pid: the Linux process id of veil.exe under wine, if it runs.
veil_pid() { pgrep -f 'bin[\\/]veil\.exe' | head -1; }

# clip NAME: what the Windows clipboard holds now (scripts/wine/clipboard.go),
# into $work/gui/NAME.clip.
clip() { $wine "$work/clipboard.exe" >"$work/gui/$1.clip" 2>&1 || true; }

# clip_field NAME FIELD: one line's value from clip NAME's output.
clip_field() { sed -n "s/^$2: //p" "$work/gui/$1.clip" | tr -d '\r'; }

# fail_gui MESSAGE: a GUI check failed.
fail_gui() { log "gui: $*"; status=1; }

# private_hash NAME: clip NAME shows a copied hash (hex) with the three
# privacy formats, history and cloud upload both 0.
private_hash() {
	local text
	text=$(clip_field "$1" text)
	if ! [[ $text =~ ^\"[0-9a-f]{32,64}\"$ ]]; then
		fail_gui "$1: the clipboard holds $text, not a copied hash"
		return
	fi
	if [ "$(clip_field "$1" CanIncludeInClipboardHistory)" != 0 ] || [ "$(clip_field "$1" CanUploadToCloudClipboard)" != 0 ] ||
		! grep -q '^formats: .*ExcludeClipboardContentFromMonitorProcessing' "$work/gui/$1.clip"; then
		fail_gui "$1: the copied hash lacks the privacy formats:"
		cat "$work/gui/$1.clip" >&2
		return
	fi
	log "gui: $1: hash $text on the clipboard with ExcludeClipboardContentFromMonitorProcessing, CanIncludeInClipboardHistory=0, CanUploadToCloudClipboard=0"
}

# empty_clipboard NAME WHEN: clip NAME shows no text.
empty_clipboard() {
	if [ "$(clip_field "$1" text)" != '""' ]; then
		fail_gui "the hash is still on the clipboard $2: $(clip_field "$1" text)"
	else
		log "gui: clipboard empty $2 (formats: $(clip_field "$1" formats))"
	fi
}

# detections: how often Veil has finished looking for faces; frames: how
# often it has shown a photo it opened.
detections() { grep -c 'veil timing: detected' "$work/gui/veil.log" || true; }
frames() { grep -c 'veil timing: first frame' "$work/gui/veil.log" || true; }

# The app's layout in the 1280x800 wine desktop, for xdotool: Veil's title
# bar, the "Hash for reporting" tab and the first hash's Copy button.
title_bar="300 12"
hash_tab="972 145"
copy_button="1155 436"

gui() {
	local t0 photo gone i tq pasted
	t0=$(date +%s)
	[ -f "$fixtures/faces/2008_001322.jpg" ] || { log "gui: ../shared/fixtures not present: skipped"; return; }
	rm -rf "$work/gui" && mkdir -p "$work/gui/shots"
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" build -o "$work/clipboard.exe" scripts/wine/clipboard.go
	photo="Z:$(echo "$fixtures/faces/2008_001322.jpg" | tr / '\\')"
	pasted="$fixtures/faces/skimage_astronaut.png"
	# Veil runs in a wine virtual desktop (a window frame, as on Windows).
	# Wine's own first-run work for a desktop (fonts, display settings) is
	# done by a warm-up run first, so the listings compare only Veil's run.
	$wine explorer /desktop=Veil,1280x800 "$root/bin/veil-cli.exe" version >/dev/null 2>&1 || true
	clip warm-up
	snapshot before

	VEIL_TIMINGS=1 $wine explorer /desktop=Veil,1280x800 "$root/bin/veil.exe" "$photo" >"$work/gui/veil.log" 2>&1 &
	for i in $(seq 480); do
		[ "$(detections)" -ge 1 ] && break
		sleep 0.5
	done
	sleep 2
	import -window root "$work/gui/shots/01-opened-faces-found.png"
	grep 'veil timing' "$work/gui/veil.log" | head -12 >&2 || true
	if [ "$(detections)" -lt 1 ] || [ -z "$(veil_pid)" ]; then
		fail_gui "Veil did not open the photo and find its faces within 4 minutes"
		cat "$work/gui/veil.log" >&2
	else
		log "gui: opened faces/2008_001322.jpg and looked for its faces (screenshot 01)"
	fi
	# While it runs, everything Fyne and Go write goes to the private folder.
	# (Test* folders are what the gotest stage's t.TempDir left: wine cannot
	# remove them.)
	(cd "$WINEPREFIX/drive_c/users" && find . -path '*veil-*' -not -path '*/Test*' | head -20) >"$work/gui/private-folder.txt"
	log "gui: the private folder while Veil runs: $(head -1 "$work/gui/private-folder.txt") ($(wc -l <"$work/gui/private-folder.txt") entries)"

	# Paste a picture: a PNG copied on the X side, which wine offers to
	# Windows programs as a picture (no file behind it). Ctrl+V opens it and
	# the faces are looked for again.
	xclip -selection clipboard -t image/png -i "$pasted"
	xdotool mousemove $title_bar click 1
	sleep 0.5
	xdotool key --clearmodifiers ctrl+v
	# Opened (its first frame shown), then searched for faces; the search
	# can take minutes on a loaded machine.
	for i in $(seq 480); do
		[ "$(frames)" -ge 2 ] && [ "$(detections)" -ge 2 ] && break
		sleep 0.5
	done
	sleep 2
	import -window root "$work/gui/shots/02-pasted-picture.png"
	if [ "$(frames)" -lt 2 ]; then
		fail_gui "Ctrl+V with a picture on the clipboard did not open it within 4 minutes"
	elif [ "$(detections)" -lt 2 ]; then
		fail_gui "the pasted picture ($(basename "$pasted") as image/png) opened, but the search for faces did not end within 4 minutes"
	else
		log "gui: a pasted picture ($(basename "$pasted") as image/png) opened and was searched for faces"
	fi

	# Veil's own file browser (Ctrl+O): the user's folders and the drives.
	xdotool key --clearmodifiers ctrl+o
	sleep 3
	import -window root "$work/gui/shots/03-file-browser.png"
	xdotool key --clearmodifiers Escape
	sleep 1

	# Copy the PDQ hash: on Windows' clipboard with the privacy formats, gone
	# again 60 s later.
	xdotool mousemove $hash_tab click 1
	sleep 3
	xdotool mousemove $copy_button click 1
	sleep 1
	import -window root "$work/gui/shots/04-hash-copied.png"
	clip copied
	private_hash copied
	sleep 62
	clip after-60s
	empty_clipboard after-60s "60 s after the copy"
	# Copied again, then quick exit takes it off too.
	xdotool mousemove $copy_button click 1
	sleep 1
	clip copied-again
	private_hash copied-again

	# Quick exit: Shift three times (after a click on the window's title bar,
	# to give it the keyboard).
	xdotool mousemove $title_bar click 1
	sleep 0.5
	tq=$(date +%s%N)
	for i in 1 2 3; do
		xdotool key --clearmodifiers Shift_L
		sleep 0.15
	done
	gone=""
	for i in $(seq 100); do
		if [ -z "$(veil_pid)" ]; then
			gone=$((($(date +%s%N) - tq) / 1000000))
			break
		fi
		sleep 0.1
	done
	import -window root "$work/gui/shots/05-after-quick-exit.png"
	if [ -z "$gone" ]; then
		fail_gui "quick exit (Shift x3) did not end Veil within 10 s"
	else
		log "gui: quick exit ended Veil within ${gone} ms of the first Shift"
	fi
	clip after-quick-exit
	empty_clipboard after-quick-exit "after quick exit"
	snapshot after
	diff "$work/gui/before.files" "$work/gui/after.files" >"$work/gui/files.diff" || true
	diff "$work/gui/before.keys" "$work/gui/after.keys" >"$work/gui/keys.diff" || true
	diff "$work/gui/before.values" "$work/gui/after.values" >"$work/gui/values.diff" || true
	log "gui: prefix before and after: $(wc -l <"$work/gui/after.files") files and folders under users\\ and windows\\temp, $(wc -l <"$work/gui/after.keys") registry keys and values"
	# New is what counts: a file, folder, registry key or value name in the
	# after listing only (">" lines), or veil or fyne anywhere in a value.
	if grep -q '^>' "$work/gui/files.diff" "$work/gui/keys.diff" || grep -qiE 'veil|fyne' "$work/gui/after.values"; then
		fail_gui "Veil left something in the prefix:"
		grep -h '^>' "$work/gui/files.diff" "$work/gui/keys.diff" >&2 || true
		grep -iE 'veil|fyne' "$work/gui/after.values" >&2 || true
	else
		log "gui: nothing new: no file, no registry key or value, no mention of veil or fyne"
	fi
	if grep -q '^<' "$work/gui/files.diff" "$work/gui/keys.diff"; then
		log "gui: gone since the first listing (wine's own, rewritten when a desktop starts; nothing Veil wrote):"
		grep -h '^<' "$work/gui/files.diff" "$work/gui/keys.diff" >&2
	fi
	if [ -s "$work/gui/values.diff" ]; then
		log "gui: values wine itself rewrites at every start of its desktop (listed, not Veil's):"
		grep '^>' "$work/gui/values.diff" | sed 's/=.*//' | sort -u >&2
	fi
	log "gui: $(elapsed "$t0"); screenshots in $work/gui/shots"
}

./scripts/deps.sh wine
[ "${stages[*]}" = compare ] || prefix
# One X display for everything: wine makes real windows only with one (the
# end-of-session test needs a top-level window; the GUI is shown on it).
display=:$((70 + RANDOM % 20))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=$display
sleep 1
for s in "${stages[@]}"; do
	case "$s" in
	gotest | cli | gui) "$s" ;;
	compare) compare ;; # again, on the outputs of the last cli stage
	*) log "unknown stage $s (gotest, cli, gui, compare)"; exit 2 ;;
	esac
done
wineserver -k 2>/dev/null || true
log "done in $(elapsed "$started")$([ "$status" = 0 ] && echo ", all passed" || echo ", FAILED")"
exit "$status"
