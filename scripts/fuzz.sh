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
for pkg in $(go list -tags "$tags" ./...); do
  for target in $(go test -tags "$tags" -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz: $pkg $target ${secs}s"
    # -timeout only ends a hang: the baseline run over the seed corpus alone
    # can take minutes on a loaded machine (go test's default is 10m).
    # A passing run shows its last lines; a failing one shows everything (the
    # crash, the input and where go test saved it under testdata/fuzz).
    if ! out=$(go test -tags "$tags" -timeout "${TEST_TIMEOUT:-60m}" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" "$pkg" 2>&1); then
      printf '%s\n' "$out"
      echo "fuzz: $pkg $target failed" >&2
      exit 1
    fi
    printf '%s\n' "$out" | tail -n 3
    total=$((total + 1))
  done
done
echo "fuzz: $total targets, ${secs}s each"
