# lib.sh - sourced by tests/reports/check-*.sh: paths, a scratch directory
# removed on exit, and the fixture program (mkfixture) built against the
# library under test.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
NVGRECT=${NVGRECT:-$BUILD/nvgrect}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nvt-reports.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
FAILS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# Build $BUILD/mkfixture from tests/reports/mkfixture.c (with the library's
# sanitizers, if it has them).
build_fixture() {
	lib=$BUILD/libnvgrect.a
	[ -f "$lib" ] || { echo "no $lib: build first (make BUILD=...)" >&2; exit 1; }
	san=""
	if nm "$lib" 2>/dev/null | grep -q __asan_init; then
		san="-fsanitize=address,undefined"
	fi
	# shellcheck disable=SC2046,SC2086
	${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -g $san -I"$ROOT/include" \
		-o "$BUILD/mkfixture" "$ROOT/tests/reports/mkfixture.c" "$lib" \
		$(pkg-config --libs libpcap yaml-0.1) -lnet -lcap-ng -lm -lpthread ||
		{ echo "cannot build mkfixture" >&2; exit 1; }
	MKFIXTURE=$BUILD/mkfixture
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed" >&2
		exit 1
	fi
	echo "ok"
	exit 0
}
