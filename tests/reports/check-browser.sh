#!/bin/sh
# check-browser.sh - report.html and matrix.html open cleanly in headless
# Chromium: no console error, no network request, the content a user looks
# for is in the rendered DOM; screenshots are kept in $BUILD/reports-shots/
# for a human to look at. Exit 77 when chromium is not installed.
set -eu
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
. "$ROOT/tests/lib/need.sh"
need_tool "$CHROMIUM"
build_fixture
SHOTS=$BUILD/reports-shots
mkdir -p "$SHOTS"

"$MKFIXTURE" rtm "$TMP/rtm" >/dev/null || fail "mkfixture rtm"
"$MKFIXTURE" r2 "$TMP/r2" >/dev/null || fail "mkfixture r2"
"$MKFIXTURE" hostile "$TMP/hostile" >/dev/null || fail "mkfixture hostile"
"$NVGRECT" matrix "$TMP/rtm/report.json" "$TMP/r2/report.json" -o "$TMP/mx" >/dev/null ||
	[ $? -eq 1 ] || fail "nvgrect matrix"

# One headless run: $1 page, $2 what (dump-dom | screenshot FILE). The
# fresh profile dir and every flag that phones home are per run.
chrome() {
	prof=$(mktemp -d "$TMP/prof.XXXXXX")
	cpage=$1
	shift
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-extensions --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --window-size=1200,1800 "$@" "file://$cpage"
}

for page in rtm/report.html r2/report.html hostile/report.html mx/matrix.html; do
	name=$(echo "$page" | tr '/' '-' | sed 's/\.html$//')
	chrome "$TMP/$page" --dump-dom >"$TMP/$name.dom" 2>"$TMP/$name.log" ||
		{ tail -5 "$TMP/$name.log" >&2; fail "$page: chromium failed"; continue; }
	chrome "$TMP/$page" --screenshot="$SHOTS/$name.png" >/dev/null 2>>"$TMP/$name.log" ||
		fail "$page: screenshot failed"
	# console messages (errors, CSP violations) are logged as CONSOLE lines
	if grep -E 'CONSOLE|Uncaught|Refused to|net::ERR' "$TMP/$name.log" >"$TMP/$name.console"; then
		cat "$TMP/$name.console" >&2
		fail "$page: console messages"
	fi
	grep -q '</footer>' "$TMP/$name.dom" || fail "$page: page did not render to the footer"
	grep -qi '<script' "$TMP/$name.dom" && fail "$page: a script element in the DOM"
	[ -s "$SHOTS/$name.png" ] || fail "$page: empty screenshot"
done

grep -q 'Endpoint</h2>' "$TMP/rtm-report.dom" || fail "report: no endpoint section"
grep -q '<mark class="key">00 13 89 00</mark>' "$TMP/rtm-report.dom" ||
	fail "report: the quoted GRE key is not highlighted"
grep -q '<svg' "$TMP/rtm-report.dom" || fail "report: no verdict bars"
grep -q 'Probe as sent: 116 bytes' "$TMP/rtm-report.dom" || fail "report: the probe's own bytes are missing"
grep -q 'class="cell no' "$TMP/mx-matrix.dom" || fail "matrix: no incompatible cell"
grep -q '2 endpoints · 1 pair · 1 not compatible' "$TMP/mx-matrix.dom" || fail "matrix: banner counts"
grep -q 'bring hv-rtm to the RFC 7637 layout (KB2779768)' "$TMP/mx-matrix.dom" ||
	fail "matrix: advice missing"
# the hostile page shows the hostile text as text
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/hostile-report.dom" ||
	fail "hostile: the <script> text is not shown as text"
echo "screenshots: $SHOTS"
finish
