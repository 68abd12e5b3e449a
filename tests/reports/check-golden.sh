#!/bin/sh
# check-golden.sh - the writers' exact output for the fixture results
# (tests/reports/fixture.c) against tests/reports/golden/. A deliberate
# format change: UPDATE_GOLDEN=1 sh tests/reports/check-golden.sh, then
# review the diff before committing it.
set -eu
. "$(dirname "$0")/lib.sh"
build_fixture
GOLD=$ROOT/tests/reports/golden
mkdir -p "$GOLD"

for p in rtm r2 hostile; do
	"$MKFIXTURE" $p "$TMP/$p" >"$TMP/$p.summary.txt" || fail "mkfixture $p"
	mv "$TMP/$p.summary.txt" "$TMP/$p/summary.txt"
	for f in report.json report.xml report.md summary.txt; do
		want=$GOLD/$p.$f
		if [ -n "${UPDATE_GOLDEN:-}" ]; then
			cp "$TMP/$p/$f" "$want"
			continue
		fi
		if ! cmp -s "$TMP/$p/$f" "$want"; then
			diff -u "$want" "$TMP/$p/$f" | head -40 >&2 || true
			fail "$p $f differs from tests/reports/golden/$p.$f"
		fi
	done
done
"$NVGRECT" matrix "$TMP/rtm/report.json" "$TMP/r2/report.json" >"$TMP/matrix.txt" || [ $? -eq 1 ] ||
	fail "nvgrect matrix"
sed "s|$TMP|TMP|g" "$TMP/matrix.txt" >"$TMP/matrix.norm"
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	cp "$TMP/matrix.norm" "$GOLD/matrix.txt"
	echo "golden files updated: review git diff tests/reports/golden"
elif ! cmp -s "$TMP/matrix.norm" "$GOLD/matrix.txt"; then
	diff -u "$GOLD/matrix.txt" "$TMP/matrix.norm" >&2 || true
	fail "matrix terminal output differs from tests/reports/golden/matrix.txt"
fi
finish
