#!/usr/bin/env bash
# Sourced by scripts (and the macOS workflow) run from the repository root.
# tags NAME prints a tag list from tags.mk: as make exports it, or read from
# the file when run outside make. tags.mk is "NAME := value" lines where a
# value may start from an earlier list with $(NAME); awk expands that here
# (so this works with macOS's make 3.81 and BSD awk as well).
tags() {
	local v=${!1:-}
	[ -n "$v" ] || v=$(awk -v want="$1" '
		/^[A-Z_]+[ \t]*:=/ {
			name = $1; val = $0
			sub(/^[A-Z_]+[ \t]*:=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
			while (match(val, /\$\([A-Z_]+\)/))
				val = substr(val, 1, RSTART - 1) vals[substr(val, RSTART + 2, RLENGTH - 3)] substr(val, RSTART + RLENGTH)
			vals[name] = val
		}
		END { print vals[want] }' tags.mk)
	[ -n "$v" ] || { echo "${0##*/}: no $1 in tags.mk" >&2; exit 1; }
	echo "$v"
}

# Run rather than sourced (scripts/tags.sh NAME): print the list.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	tags "${1:?usage: scripts/tags.sh NAME (a list in tags.mk)}"
fi
