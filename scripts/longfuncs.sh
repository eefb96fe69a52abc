#!/usr/bin/env bash
# longfuncs.sh [MAX] [DIR...] - list the Go functions longer than MAX lines
# (default 150), longest first, over DIRs (default: the whole repository).
# Test files, generated files and the lines of data tables written inside a
# function are not counted. Exits 1 when anything is listed.
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-150}
shift || true
tool=$(mktemp)
trap 'rm -f "$tool"' EXIT
go build -o "$tool" ./internal/longfuncs
"$tool" -max "$max" -fail "$@"
