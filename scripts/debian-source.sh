#!/usr/bin/env bash
# debian-source.sh PACKAGE VERSION DEST - unpack Debian's source package
# PACKAGE=VERSION (upstream source plus Debian's patches) into DEST.
#
# The deb-src entries are derived from this machine's own apt sources (same
# mirror, the release's own suite, type deb-src) into a private sources list
# under build/apt-src, so nothing in /etc/apt changes and no mirror host name
# is written into the repository. Needs dpkg-dev (dpkg-source).
set -euo pipefail

pkg=${1:?usage: debian-source.sh PACKAGE VERSION DEST}
ver=${2:?usage: debian-source.sh PACKAGE VERSION DEST}
dest=${3:?usage: debian-source.sh PACKAGE VERSION DEST}
[ -d "$dest" ] && exit 0

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/build/apt-src"
mkdir -p "$work/lists/partial" "$work/dl"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")

# One deb-src line per mirror that serves the release itself, from the
# one-line (.list) and deb822 (.sources) formats alike, keeping its options
# (signed-by).
{
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$codename" '$1 == "deb" { i = 2; o = ""
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { o = o $i " "; i++ } o = o $i " "; i++ }
        if ($(i+1) == s) print "deb-src " o $i " " s " main" }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$codename" 'BEGIN { RS = ""; FS = "\n" }
      { deb = 0; suite = 0; uris = ""; key = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
          if ($i ~ /^Suites:/) { n = split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == s) suite = 1 }
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uris = $i }
          if ($i ~ /^Signed-By:[ \t]*\//) { sub(/^Signed-By:[ \t]*/, "", $i); key = "[signed-by=" $i "] " }
        }
        if (deb && suite) { n = split(uris, u, /[ \t]+/); for (j = 1; j <= n; j++) print "deb-src " key u[j] " " s " main" } }' "$f"
  done
} | sort -u >"$work/sources.list"
if [ ! -s "$work/sources.list" ]; then
  echo "debian-source: no apt source for '$codename' found in /etc/apt" >&2
  exit 1
fi

opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o Debug::NoLocking=1 -q)
# apt's download sandbox user cannot write into a folder of ours.
[ "$(id -u)" -ne 0 ] || opts+=(-o APT::Sandbox::User=root)
apt-get "${opts[@]}" update >/dev/null
(cd "$work/dl" && apt-get "${opts[@]}" source --download-only "$pkg=$ver" >/dev/null)
dsc=$(ls "$work/dl/${pkg}_${ver#*:}.dsc")
rm -rf "$dest.tmp"
mkdir -p "$(dirname "$dest")"
dpkg-source -x "$dsc" "$dest.tmp" >/dev/null 2>&1 || { echo "debian-source: dpkg-source -x $dsc failed" >&2; exit 1; }
mv "$dest.tmp" "$dest"
echo "debian-source: $pkg $ver in $dest" >&2
