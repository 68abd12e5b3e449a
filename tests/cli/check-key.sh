#!/bin/sh
# check-key.sh - `nvgrect key` says what DESIGN.md §3 says: both layouts, the
# KB2779768 line, JSON for scripts, exit 2 on bad numbers.
set -eu
: "${NVGRECT:?set NVGRECT to the nvgrect binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

bad() { echo "check-key: FAIL: $*"; fail=1; }

# expect_line CMD-OUTPUT-FILE REGEX WHAT
has() { grep -Eq -- "$2" "$1" || { bad "$3"; sed 's/^/    | /' "$1"; }; }

"$NVGRECT" key --vsid 5001 >"$tmp/v" 2>&1 || bad "key --vsid 5001 exited $?"
has "$tmp/v" '^rfc7637 +vsid=5001 \(0x001389\) flowid=0 -> key 0x00138900$' "rfc7637 key of VSID 5001"
has "$tmp/v" '^draft00 +vsid=5001 \(0x001389\) flowid=0 -> key 0x00001389$' "draft00 key of VSID 5001"

"$NVGRECT" key --key 0x00001389 >"$tmp/k" 2>&1 || bad "key --key 0x00001389 exited $?"
has "$tmp/k" '^rfc7637 .*vsid=19 \(0x000013\) flowid=137 \(0x89\).*PROBLEM: VSID in reserved range' "rfc7637 reading flagged"
has "$tmp/k" '^draft00 .*vsid=5001 \(0x001389\).* ok$' "draft00 reading plausible"
has "$tmp/k" '^under rfc7637 this is VSID 0x13, inside the reserved range 0-0xFFF: a draft-00 sender.s key for VSID 5001 read by an RFC 7637 receiver \(the KB2779768 failure\)$' "KB2779768 line"
[ "$(grep -c KB2779768 "$tmp/k")" -eq 1 ] || bad "exactly one KB2779768 line"

# an RFC 7637 key read by a draft-00 receiver: reserved top byte
"$NVGRECT" key --key 0x01389000 >"$tmp/r" 2>&1 || bad "key --key 0x01389000 exited $?"
has "$tmp/r" '^under draft00 .*reserved bits 0x01000000.*RFC 7637 sender.s key for VSID 80016 read by a draft-00 receiver' "reverse mix-up line"

# the alias of DESIGN §3: one wire key, two plausible VSIDs
"$NVGRECT" key --key 0x00138900 >"$tmp/a" 2>&1 || bad "key --key 0x00138900 exited $?"
has "$tmp/a" 'rfc7637 VSID 5001 .* draft00 VSID 1280256' "alias note"
if grep -q KB2779768 "$tmp/a"; then bad "no KB line when both readings are plausible"; fi

# FlowID only where the layout has one
if "$NVGRECT" key --vsid 5001 --flowid 5 --layout draft00 >"$tmp/f" 2>&1; then bad "draft00 with a FlowID must exit 2"; fi
has "$tmp/f" 'no FlowID field' "draft00 cannot carry a FlowID"
"$NVGRECT" key --vsid 5001 --flowid 0x89 --layout rfc7637 >"$tmp/f2" 2>&1 || bad "rfc7637 flowid exited $?"
has "$tmp/f2" '-> key 0x00138989$' "rfc7637 key with FlowID 0x89"

# JSON parses and carries the numbers
"$NVGRECT" key --key 0x00001389 --json >"$tmp/j" || bad "--json exited $?"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/j" <<'PY' || bad "--key --json content"
import json, sys
d = json.load(open(sys.argv[1]))
r = {x["layout"]: x for x in d["readings"]}
assert d["key"] == 0x1389 and d["key_hex"] == "0x00001389"
assert r["rfc7637"]["vsid"] == 0x13 and r["rfc7637"]["flowid"] == 0x89
assert r["rfc7637"]["problems"] == ["vsid-reserved"] and not r["rfc7637"]["plausible"]
assert r["draft00"]["vsid"] == 5001 and r["draft00"]["plausible"]
assert len(d["notes"]) == 1 and "KB2779768" in d["notes"][0]
PY
	"$NVGRECT" key --vsid 5001 --json >"$tmp/j2" || bad "--vsid --json exited $?"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k={x["layout"]: x["key"] for x in d["layouts"]}; assert k == {"rfc7637": 0x138900, "draft00": 0x1389}, k' "$tmp/j2" || bad "--vsid --json content"
fi

# bad input: exit 2 with a message
for args in "--vsid 16777216" "--vsid 0x1000000" "--vsid -1" "--vsid 12ab" "--vsid ''" \
	"--key 0x100000000" "--key 5001 --vsid 5001" "--flowid 3" "--vsid 5001 --flowid 256" \
	"--vsid 5001 --layout nosuch" "" "--bogus"; do
	rc=0
	eval "\"\$NVGRECT\" key $args" >"$tmp/e" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || bad "key $args: exit $rc, want 2"
	[ -s "$tmp/e" ] || bad "key $args: no message"
done
"$NVGRECT" key --help >"$tmp/h" || bad "key --help exited $?"
has "$tmp/h" '^usage: nvgrect key' "key --help"

[ "$fail" -eq 0 ] && echo "check-key: ok"
exit "$fail"
