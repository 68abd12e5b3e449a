#!/bin/sh
# check-replay.sh - replay every fuzz corpus and every kept crash input
# through the plain-main() replay drivers ($BUILD/replay_fuzz_<t>, built by
# `make check` under the normal build, no libFuzzer). A fixed bug stays fixed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
fail=0
n=0
for src in "$here"/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	bin=$BUILD/replay_fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin not built (make $bin)"; fail=1; continue
	fi
	set --
	[ -d "$here/corpus/$t" ] && set -- "$@" "$here/corpus/$t"
	[ -d "$here/crashes/$t" ] && set -- "$@" "$here/crashes/$t"
	[ $# -gt 0 ] || continue
	if ! out=$("$bin" "$@" 2>&1); then
		echo "FAIL: replay fuzz_$t: $out" | head -20; fail=1
	else
		echo "$out"
		n=$((n + 1))
	fi
done
echo "check-replay: $n targets replayed clean"
exit $fail
