# Sourced by scripts run from the repository root.
# tags NAME prints a tag list from tags.mk: as make exports it, or read from
# the file when the script runs outside make (tags.mk may build one list
# from another, so make expands it).
tags() {
	local v=${!1:-}
	[ -n "$v" ] || v=$(make --no-print-directory -s -f tags.mk --eval "p: ; @echo \$($1)" p)
	[ -n "$v" ] || { echo "${0##*/}: no $1 in tags.mk" >&2; exit 1; }
	echo "$v"
}
