#!/bin/sh
# make bench: run every tests/*/bench-*.sh (each prints its own ratios).
# Env: NVGRECT (binary), BUILD (build dir). Not part of make check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
NVGRECT=${NVGRECT:-$BUILD/nvgrect}
export BUILD NVGRECT
rc=0
for b in "$root"/tests/*/bench-*.sh; do
	[ -e "$b" ] || continue
	echo "== $b"
	sh "$b" || { echo "!! $b failed"; rc=1; }
done
exit $rc
