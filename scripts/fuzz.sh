#!/usr/bin/env bash
# fuzz.sh SECONDS - run every Go fuzz target in the module for SECONDS each.
# Targets are discovered with "go test -list", so a new FuzzXxx runs without editing this.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
# The test tags: exported by the Makefile, or read from tags.mk when this
# script is run by hand (VEIL_TEST_TAGS is a plain list there).
tags=${VEIL_TEST_TAGS:-$(sed -n 's/^VEIL_TEST_TAGS *:= *//p' tags.mk)}
case $tags in
'' | *'$'* | *' '*) echo "fuzz: no plain VEIL_TEST_TAGS list in tags.mk (got '$tags')" >&2; exit 1 ;;
esac
total=0
races=0

# deadline_race OUTPUT: true when a failed "go test -fuzz" run shows only the
# coordinator's deadline error. A real finding always prints "Failing input
# written to testdata/fuzz/..." (or a panic or a test's own failure line
# before the FAIL), so any of those keeps the failure.
deadline_race() {
  local out=$1
  grep -q 'Failing input written' <<<"$out" && return 1
  grep -q 'panic:' <<<"$out" && return 1
  # The failure body must be exactly the one deadline line.
  [ "$(sed -n '/^--- FAIL: Fuzz/,/^FAIL$/p' <<<"$out" | sed '1d;$d' | sed 's/^ *//')" = "context deadline exceeded" ]
}
for pkg in $(go list -tags "$tags" ./...); do
  for target in $(go test -tags "$tags" -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz: $pkg $target ${secs}s"
    # -timeout only ends a hang: the baseline run over the seed corpus alone
    # can take minutes on a loaded machine (go test's default is 10m).
    # A passing run shows its last lines; a failing one shows everything (the
    # crash, the input and where go test saved it under testdata/fuzz).
    if ! out=$(go test -tags "$tags" -timeout "${TEST_TIMEOUT:-60m}" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" "$pkg" 2>&1); then
      if ! deadline_race "$out"; then
        printf '%s\n' "$out"
        echo "fuzz: $pkg $target failed" >&2
        exit 1
      fi
      # Go 1.26's fuzz coordinator can report its own -fuzztime deadline as
      # a failure (go.dev/issue/75804, fixed in Go 1.27): no input failed and
      # none was written. Replay the corpus to be sure nothing reproduces.
      if ! replay=$(go test -tags "$tags" -timeout "${TEST_TIMEOUT:-60m}" -run "^${target}\$" "$pkg" 2>&1); then
        printf '%s\n%s\n' "$out" "$replay"
        echo "fuzz: $pkg $target failed" >&2
        exit 1
      fi
      echo "fuzz: $target ended by Go's fuzz-deadline race (go.dev/issue/75804): no failing input; corpus replay passed"
      races=$((races + 1))
    fi
    printf '%s\n' "$out" | tail -n 3
    total=$((total + 1))
  done
done
echo "fuzz: $total targets, ${secs}s each ($races ended by Go's deadline race, replayed)"
