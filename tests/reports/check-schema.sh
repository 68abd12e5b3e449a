#!/bin/sh
# check-schema.sh - every report the writers produce validates: report.json
# and matrix.json against their JSON Schemas (python3-jsonschema), report.xml
# against reports/junit.xsd (xmllint); report.md has its sections in order.
set -eu
. "$(dirname "$0")/lib.sh"
build_fixture

for p in rtm r2 hostile empty; do
	"$MKFIXTURE" $p "$TMP/$p" >"$TMP/$p.txt" || fail "mkfixture $p"
done
"$NVGRECT" matrix "$TMP/rtm/report.json" "$TMP/r2/report.json" -o "$TMP/mx" >/dev/null || [ $? -eq 1 ] ||
	fail "nvgrect matrix rtm r2"

rc=0
python3 "$ROOT/tests/reports/validate.py" "$ROOT/reports/nvgrect-report.schema.json" \
	"$TMP/rtm/report.json" "$TMP/r2/report.json" "$TMP/hostile/report.json" \
	"$TMP/empty/report.json" || rc=$?
if [ $rc -eq 77 ]; then
	echo "skipping JSON Schema validation (python3-jsonschema missing)"
elif [ $rc -ne 0 ]; then
	fail "report.json does not validate against reports/nvgrect-report.schema.json"
else
	python3 "$ROOT/tests/reports/validate.py" "$ROOT/reports/nvgrect-matrix.schema.json" \
		"$TMP/mx/matrix.json" || fail "matrix.json does not validate"
fi

"$NVGRECT" matrix "$TMP/empty/report.json" -o "$TMP/mx-empty" >/dev/null ||
	fail "nvgrect matrix on an empty report"
[ $rc -eq 0 ] && { python3 "$ROOT/tests/reports/validate.py" "$ROOT/reports/nvgrect-matrix.schema.json" \
	"$TMP/mx-empty/matrix.json" || fail "empty matrix.json does not validate"; }

# The schema must be able to fail: a report with the endpoint block altered.
if [ $rc -eq 0 ]; then
	python3 - "$TMP/rtm/report.json" "$TMP/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["endpoint"]["accepts"] = "draft00"      # must be an array
d["endpoint"]["extra"] = 1                # not in DESIGN §6
json.dump(d, open(sys.argv[2], "w"))
PY
	if python3 "$ROOT/tests/reports/validate.py" "$ROOT/reports/nvgrect-report.schema.json" \
		"$TMP/broken.json" >/dev/null; then
		fail "schema accepted a broken endpoint block"
	fi
fi

for p in rtm r2 hostile empty; do
	xmllint --noout --schema "$ROOT/reports/junit.xsd" "$TMP/$p/report.xml" 2>"$TMP/xsd.err" ||
		{ cat "$TMP/xsd.err" >&2; fail "$p/report.xml does not validate against reports/junit.xsd"; }
	jq -e '.schema == "nvgrect-report/1"' "$TMP/$p/report.json" >/dev/null ||
		fail "$p/report.json: jq cannot read it or schema is wrong"
done

# JUnit content: fail -> failure, inconclusive -> error, counts agree.
x=$TMP/rtm/report.xml
[ "$(xmllint --xpath 'count(//testcase/failure)' "$x")" = 2 ] || fail "rtm: expected 2 <failure>"
[ "$(xmllint --xpath 'count(//testcase/error)' "$x")" = 1 ] || fail "rtm: expected 1 <error>"
[ "$(xmllint --xpath 'count(//testcase)' "$x")" = 6 ] || fail "rtm: expected 6 <testcase>"
[ "$(xmllint --xpath 'string(//testsuite/@failures)' "$x")" = 2 ] || fail "rtm: testsuite failures attribute"
xmllint --xpath '//testcase[properties/property[@value="info"]]/system-out' "$x" >/dev/null 2>&1 ||
	fail "rtm: INFO case without system-out"

# report.json agrees with the fixture.
j=$TMP/rtm/report.json
[ "$(jq -r '.endpoint.emits' "$j")" = draft00 ] || fail "rtm: endpoint.emits"
[ "$(jq -r '.endpoint.rejects.rfc7637' "$j")" = icmp-3-10 ] || fail "rtm: endpoint.rejects"
[ "$(jq -r '.endpoint.flowid_tolerant' "$j")" = null ] || fail "rtm: flowid_tolerant null"
[ "$(jq -r '.summary.exit_code' "$j")" = 1 ] || fail "rtm: exit_code"
[ "$(jq -r '.cases[0].probes[0].key' "$j")" = 0x00138900 ] || fail "rtm: probe key text"
[ "$(jq -r '.cases[0].probes[0].evidence.error.key_off' "$j")" = 66 ] || fail "rtm: key_off"
# the highlighted bytes really are the key
[ "$(jq -r '.cases[0].probes[0].evidence.error.hex[132:140]' "$j")" = 00138900 ] ||
	fail "rtm: evidence key_off does not point at the quoted key"

# Markdown: summary, then attention (failures first), then endpoint, then table.
m=$TMP/rtm/report.md
head -1 "$m" | grep -q '^# nvgrect report: hv-rtm$' || fail "md: title"
order=$(grep -n '^## ' "$m" | cut -d: -f2- | tr '\n' '|')
[ "$order" = "## Findings, failures first|## Endpoint|## All cases|" ] || fail "md: section order is $order"
first=$(grep -m1 '^### ' "$m")
case "$first" in *FAIL*) ;; *) fail "md: first case shown is not a FAIL: $first" ;; esac
grep -q 'accepts draft00 (VSID in the low 24 bits) keys only' "$m" || fail "md: endpoint in words"
finish
