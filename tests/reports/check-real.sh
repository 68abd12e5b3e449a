#!/bin/sh
# check-real.sh - reports from real runs: `nvgrect run` of the interop suite
# against two reference endpoints (ws2012-rtm: draft00; ws2012r2: rfc7637)
# in throwaway namespaces. Each report validates against its schema and
# XSD, opens in headless Chromium without a console message, and the matrix
# of the two says they cannot talk and what to change.
# Needs root and network namespaces (exit 77 otherwise).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NVGRECT=${NVGRECT:-$ROOT/build/nvgrect}
# shellcheck source=tests/e2e/lab.sh
. "$ROOT/tests/e2e/lab.sh"
lab_need_root
[ -x "$NVGRECT" ] || { echo "skip: no binary at $NVGRECT"; exit 77; }

lab_init rpt
lab_up
lab_gre_quiet "$LAB_NS_T"
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
SUITE=$ROOT/suites/interop/layouts.yaml
OUT=$LAB_RUN/out

for prof in ws2012-rtm ws2012r2; do
	lab_write_dut "$LAB_RUN/$prof.yaml" "hv-$prof" "$LAB_TESTER_IF"
	lab_ref_start "$prof" "$LAB_RUN/$prof.yaml"
	rc=0
	lab_t "$NVGRECT" run "$SUITE" --dut "$LAB_RUN/$prof.yaml" -o "$OUT/$prof" \
		>"$LAB_RUN/$prof.run" 2>&1 || rc=$?
	lab_ref_stop
	echo "run $prof: exit $rc"
	case $rc in 0|1|3) ;; *) cat "$LAB_RUN/$prof.run" >&2; fail "run $prof exit $rc" ;; esac
	for f in report.json report.xml report.md report.html; do
		[ -s "$OUT/$prof/$f" ] || fail "$prof: no $f"
	done
	grep -q 'VERDICT' "$LAB_RUN/$prof.run" || fail "$prof: no summary table on stdout"
done

rc=0
python3 "$HERE/validate.py" "$ROOT/reports/nvgrect-report.schema.json" \
	"$OUT/ws2012-rtm/report.json" "$OUT/ws2012r2/report.json" || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 77 ] || fail "real report.json does not validate"
for prof in ws2012-rtm ws2012r2; do
	xmllint --noout --schema "$ROOT/reports/junit.xsd" "$OUT/$prof/report.xml" ||
		fail "$prof: report.xml does not validate"
done
[ "$(jq -r '.endpoint.emits' "$OUT/ws2012-rtm/report.json")" = draft00 ] ||
	fail "rtm endpoint.emits: $(jq -c .endpoint "$OUT/ws2012-rtm/report.json")"
grep -q 'Probe as sent' "$OUT/ws2012r2/report.html" || fail "r2 report.html: no probe bytes"
[ "$(jq -r '.endpoint.accepts | join(",")' "$OUT/ws2012r2/report.json")" = rfc7637 ] ||
	fail "r2 endpoint.accepts: $(jq -c .endpoint "$OUT/ws2012r2/report.json")"

rc=0
"$NVGRECT" matrix "$OUT/ws2012-rtm/report.json" "$OUT/ws2012r2/report.json" -o "$OUT/mx" \
	>"$LAB_RUN/matrix.out" || rc=$?
cat "$LAB_RUN/matrix.out"
[ $rc -eq 1 ] || fail "matrix exit $rc, want 1 (not compatible)"
[ "$(jq -r '.pairs[0].compatible' "$OUT/mx/matrix.json")" = false ] || fail "pair compatible?"
jq -r '.pairs[0].advice' "$OUT/mx/matrix.json" |
	grep -q 'bring hv-ws2012-rtm to the RFC 7637 layout (KB2779768)' ||
	fail "advice: $(jq -r '.pairs[0].advice' "$OUT/mx/matrix.json")"

# Chromium: reuse the browser check's rules on the real pages.
if [ -x /usr/bin/chromium ]; then
	SHOTS=${BUILD:-$ROOT/build}/reports-shots
	mkdir -p "$SHOTS"
	for page in ws2012-rtm/report.html ws2012r2/report.html mx/matrix.html; do
		name=real-$(echo "$page" | tr '/' '-' | sed 's/\.html$//')
		prof=$(mktemp -d "$LAB_RUN/prof.XXXXXX")
		timeout 90 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
			--no-first-run --disable-background-networking --disable-component-update \
			--disable-sync --disable-extensions --user-data-dir="$prof" \
			--enable-logging=stderr --v=0 --window-size=1200,1800 \
			--screenshot="$SHOTS/$name.png" "file://$OUT/$page" \
			>/dev/null 2>"$LAB_RUN/$name.log" || fail "$page: chromium failed"
		if grep -E 'CONSOLE|Uncaught|Refused to' "$LAB_RUN/$name.log"; then
			fail "$page: console messages"
		fi
	done
	echo "screenshots: $SHOTS/real-*.png"
fi
if [ -n "${REPORTS_KEEP:-}" ]; then
	rm -rf "$REPORTS_KEEP" && cp -r "$OUT" "$REPORTS_KEEP" && cp "$LAB_RUN"/*.run "$REPORTS_KEEP"/
fi
[ $FAILS -eq 0 ] || { echo "$FAILS check(s) failed" >&2; exit 1; }
echo ok
