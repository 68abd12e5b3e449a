#!/bin/sh
# check-hostile.sh - every malformed suite and DUT file (tests/hostile/files plus
# the big and binary ones make-generated.sh writes) must make `nvgrect lint`
# exit 2 within 1 s and 64 MiB of address space, with a path:line:col: line on
# stderr - and the line expect.txt names, at that exact position.
set -eu
: "${NVGRECT:?set NVGRECT to the nvgrect binary}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
MIN_FILES=60
TAB=$(printf '\t')
# 64 MiB of address space; an ASan build reserves terabytes of shadow, so
# there only the 1 s bound applies
VMEM_KB=65536
if ldd "$NVGRECT" 2>/dev/null | grep -q 'libasan'; then
	VMEM_KB=unlimited
	echo "check-hostile: sanitizer build, no address-space limit"
fi

sh "$here/make-generated.sh" "$tmp/gen"

fail=0 n=0 slowest=0
bad() { echo "check-hostile: FAIL: $*"; fail=1; }

# check DIR EXPECT-FILE: every DIR/*.yaml against its expect.txt line
check_dir() {
	dir=$1 expect=$2
	for f in "$dir"/*.yaml; do
		name=${f##*/}
		n=$((n + 1))
		rc=0
		t0=$(date +%s%N)
		(cd "$dir" && ulimit -v "$VMEM_KB" && exec timeout 1 "$NVGRECT" lint "$name") \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		[ "$ms" -gt "$slowest" ] && slowest=$ms
		if [ "$rc" -ne 2 ]; then
			bad "$name: exit $rc, want 2 (124 = over 1 s; >128 = crashed)"
			sed 's/^/    | /' "$tmp/err" | head -5
			continue
		fi
		if ! grep -Eq "^$name:[0-9]+:[0-9]+: " "$tmp/err"; then
			bad "$name: no '$name:line:col: ' line on stderr"
			sed 's/^/    | /' "$tmp/err" | head -5
			continue
		fi
		line=$(grep -F "$name$TAB" "$expect" || true)
		if [ -z "$line" ]; then
			bad "$name: no entry in $expect"
			continue
		fi
		pos=$(echo "$line" | cut -f2)
		want=$(echo "$line" | cut -f3-)
		if ! grep -F "$name:$pos: " "$tmp/err" | grep -qF -- "$want"; then
			bad "$name: want '$name:$pos: ...$want...'"
			sed 's/^/    | /' "$tmp/err" | head -5
		fi
	done
}

check_dir "$here/files" "$here/expect.txt"
check_dir "$tmp/gen" "$tmp/gen/expect.txt"

# every expect.txt entry has its file (a renamed file must not drop a case)
grep -v '^#' "$here/expect.txt" | cut -f1 | while read -r name; do
	[ -f "$here/files/$name" ] || echo "check-hostile: FAIL: expect.txt names missing file $name"
done | grep . && fail=1

[ "$n" -ge "$MIN_FILES" ] || bad "only $n hostile files, want >= $MIN_FILES"
echo "check-hostile: $n files, slowest $slowest ms"
[ "$fail" -eq 0 ] && echo "check-hostile: ok"
exit "$fail"
