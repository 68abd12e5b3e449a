#!/bin/sh
# check-matrix.sh - `nvgrect matrix`: a draft00 endpoint and an rfc7637 one
# cannot talk and the advice says what to change; one report prints a
# profile; malformed input is exit 2 with path:line:col; OUTDIR files are
# not replaced without --force; writes leave no temporary files.
set -eu
. "$(dirname "$0")/lib.sh"
build_fixture

"$MKFIXTURE" rtm "$TMP/rtm" >/dev/null || fail "mkfixture rtm"
"$MKFIXTURE" r2 "$TMP/r2" >/dev/null || fail "mkfixture r2"
R1=$TMP/rtm/report.json
R2=$TMP/r2/report.json

# An existing, non-empty OUTDIR is refused without --force, taken with it.
rc=0; "$MKFIXTURE" rtm "$TMP/rtm" >/dev/null 2>"$TMP/err" || rc=$?
[ $rc -eq 2 ] || fail "mkfixture into a full OUTDIR: exit $rc, want 2"
grep -q -- '--force' "$TMP/err" || fail "refusal does not mention --force"
"$MKFIXTURE" rtm "$TMP/rtm" --force >/dev/null || fail "--force did not overwrite"

rc=0; "$NVGRECT" matrix "$R1" "$R2" -o "$TMP/mx" >"$TMP/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "incompatible pair: exit $rc, want 1"
for f in matrix.json matrix.md matrix.html; do
	[ -s "$TMP/mx/$f" ] || fail "no $f"
done
ls -a "$TMP/mx" | grep -q '^\.matrix' && fail "temporary files left in OUTDIR"
tr '\n' ' ' <"$TMP/out" | tr -s ' ' | grep -q 'bring hv-rtm to the RFC 7637 layout (KB2779768)' || fail "terminal advice: fix"
[ "$(jq -r '.pairs | length' "$TMP/mx/matrix.json")" = 1 ] || fail "one pair expected"
[ "$(jq -r '.pairs[0].compatible' "$TMP/mx/matrix.json")" = false ] || fail "pair marked compatible"
[ "$(jq -r '.pairs[0].a_to_b' "$TMP/mx/matrix.json")" = false ] || fail "a_to_b"
[ "$(jq -r '.pairs[0].b_to_a' "$TMP/mx/matrix.json")" = false ] || fail "b_to_a"
advice=$(jq -r '.pairs[0].advice' "$TMP/mx/matrix.json")
for want in "hv-rtm emits draft00 keys (VSID in the low 24 bits)" \
	"hv-r2 accepts rfc7637 only and answers ICMP 3/10" "inside NVGRE" \
	"bring hv-rtm to the RFC 7637 layout (KB2779768)"; do
	case "$advice" in *"$want"*) ;; *) fail "advice lacks '$want': $advice" ;; esac
done
grep -q 'Not compatible' "$TMP/mx/matrix.md" || fail "matrix.md verdict"
grep -q '^\*\*2 endpoints, 1 pair, 1 not compatible.\*\*$' "$TMP/mx/matrix.md" || fail "matrix.md counts"

# Same files again without --force: refused, old files intact.
rc=0; "$NVGRECT" matrix "$R1" "$R2" -o "$TMP/mx" >/dev/null 2>"$TMP/err" || rc=$?
[ $rc -eq 2 ] || fail "matrix over existing files: exit $rc, want 2"
"$NVGRECT" matrix "$R1" "$R2" -o "$TMP/mx" --force >/dev/null || [ $? -eq 1 ] || fail "matrix --force"

# Two endpoints of one kind are compatible: exit 0.
rc=0; "$NVGRECT" matrix "$R2" "$R2" >"$TMP/out" || rc=$?
[ $rc -eq 0 ] || fail "r2 with r2: exit $rc, want 0"
grep -q 'compatible:' "$TMP/out" || fail "r2 with r2 not reported compatible"

# One report: its profile.
rc=0; "$NVGRECT" matrix "$R1" >"$TMP/out" || rc=$?
[ $rc -eq 0 ] || fail "one report: exit $rc"
grep -q 'Endpoint profile' "$TMP/out" || fail "one report: no profile"
grep -q 'hv-rtm accepts draft00' "$TMP/out" || fail "one report: profile words"
"$NVGRECT" matrix "$R1" -o "$TMP/one" >/dev/null || fail "one report with -o"
[ "$(jq -r '.pairs | length' "$TMP/one/matrix.json")" = 0 ] || fail "one report: pairs"
[ "$(jq -r '.endpoints[0].name' "$TMP/one/matrix.json")" = hv-rtm ] || fail "one report: endpoint"
grep -q 'no pair to compare' "$TMP/one/matrix.md" || fail "one report: matrix.md"

# Malformed and wrong inputs: exit 2, message with path:line:col.
printf '{\n  "schema": "nvgrect-report/1",\n  "endpoint": {"name": "x", [\n}\n' >"$TMP/bad.json"
rc=0; "$NVGRECT" matrix "$TMP/bad.json" 2>"$TMP/err" >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "malformed JSON: exit $rc, want 2"
grep -Eq "bad.json:[0-9]+:[0-9]+: " "$TMP/err" || fail "malformed JSON: no path:line:col: $(cat "$TMP/err")"
jq '.schema = "something/9"' "$R1" >"$TMP/wrong.json"
rc=0; "$NVGRECT" matrix "$TMP/wrong.json" 2>"$TMP/err" >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "wrong schema: exit $rc, want 2"
grep -Eq 'wrong.json:2:[0-9]+: schema is not' "$TMP/err" || fail "wrong schema message: $(cat "$TMP/err")"
jq '.endpoint.flowid_tolerant = "yes"' "$R1" >"$TMP/type.json"
rc=0; "$NVGRECT" matrix "$TMP/type.json" 2>"$TMP/err" >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "wrong type: exit $rc, want 2"
grep -q 'endpoint.flowid_tolerant' "$TMP/err" || fail "wrong type message: $(cat "$TMP/err")"
python3 -c "print('{\"schema\": \"nvgrect-report/1\", \"x\": ' + '[' * 100000 + ']' * 100000 + '}')" \
	>"$TMP/deep.json"
rc=0; timeout 20 "$NVGRECT" matrix "$TMP/deep.json" 2>"$TMP/err" >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "deeply nested JSON: exit $rc, want 2 quickly"
grep -q 'nested deeper' "$TMP/err" || fail "deep JSON message: $(cat "$TMP/err")"
jq -c . "$R2" >"$TMP/compact.json"       # compact JSON is JSON too
"$NVGRECT" matrix "$TMP/compact.json" >/dev/null || fail "compact JSON not read"
: >"$TMP/empty.json"
rc=0; "$NVGRECT" matrix "$TMP/empty.json" 2>/dev/null >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "empty file: exit $rc, want 2"
rc=0; "$NVGRECT" matrix "$TMP/nonexistent.json" 2>/dev/null >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc, want 2"
rc=0; "$NVGRECT" matrix 2>/dev/null >/dev/null || rc=$?
[ $rc -eq 2 ] || fail "no argument: exit $rc, want 2"
"$NVGRECT" matrix --help | grep -q 'usage: nvgrect matrix' || fail "--help"
finish
