#!/bin/sh
# check-diagnose-ref.sh - `nvgrect diagnose` on captures our own tools made:
# `nvgrect run` of the interop suite against `nvgrect ref` with the
# ws2012-rtm (draft-00) and ws2012r2 (RFC 7637) profiles, in throwaway
# namespaces (tests/e2e/run-ref-host.sh). Each run's capture.pcapng alone, and
# merged with its probes.pcapng, must name the DUT's layout and the fix.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
NVGRECT=${NVGRECT:-$top/build/nvgrect}
export NVGRECT
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "check-diagnose-ref: needs root (namespaces)"; exit 77; }
. "$top/tests/lib/need.sh"
need_tool jq
tmp=$(mktemp -d /tmp/nvt-diagnose-ref-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# expect WHAT REPORT COND: a python expression over the report (d); must be true
expect() {
	what=$1 jf=$2 cond=$3
	if ! $PY -c "import json,sys
d=json.load(open(sys.argv[1]))
h={x['pa']:x for x in d['diagnosis']['hosts']}
f=d['diagnosis']['findings']
sys.exit(0 if ($cond) else 1)" "$jf"; then
		echo "FAIL: $what: expected $cond"
		$PY -c "import json,sys; d=json.load(open(sys.argv[1])); print('  hosts:', [(x['pa'], x['inferred_layout']) for x in d['diagnosis']['hosts']]); print('  top:', d['diagnosis']['findings'][0]['text'] if d['diagnosis']['findings'] else None)" "$jf"
		fail=1
	fi
}

for host in hv-rtm:ws2012-rtm:draft00 hv-r2:ws2012r2:rfc7637; do
	name=${host%%:*} rest=${host#*:}
	prof=${rest%%:*} lay=${rest#*:}
	if ! sh "$top/tests/e2e/run-ref-host.sh" "$prof" "$top/examples/$name.yaml" "$tmp/$name" >"$tmp/$name.demo" 2>&1; then
		echo "check-diagnose-ref: the $prof run failed:"; tail -5 "$tmp/$name.demo"; exit 1
	fi
	rc=0
	"$NVGRECT" diagnose "$tmp/$name/capture.pcapng" --json >"$tmp/$name.cap.json" || rc=$?
	[ "$rc" -le 1 ] || { echo "FAIL: $name: diagnose exited $rc"; fail=1; continue; }
	expect "$name capture" "$tmp/$name.cap.json" "h['192.0.2.2']['inferred_layout'] == '$lay'"
	if [ "$lay" = draft00 ]; then fix=192.0.2.2; else fix=192.0.2.1; fi
	expect "$name capture" "$tmp/$name.cap.json" \
		"f[0]['code'] == 'layout-mismatch' and 'bring $fix to RFC 7637' in f[0]['text'] and f[0]['frames']"
	command -v mergecap >/dev/null || continue
	mergecap -w "$tmp/$name.merged.pcapng" "$tmp/$name/probes.pcapng" "$tmp/$name/capture.pcapng"
	rc=0
	"$NVGRECT" diagnose "$tmp/$name.merged.pcapng" --dut "$top/examples/$name.yaml" --json \
		>"$tmp/$name.merged.json" || rc=$?
	expect "$name merged" "$tmp/$name.merged.json" \
		"h['192.0.2.2']['inferred_layout'] == '$lay' and h['192.0.2.2']['confidence'] >= 0.85"
	expect "$name merged" "$tmp/$name.merged.json" "h['192.0.2.1']['mixed_layouts']"
	if [ "$lay" = draft00 ]; then
		expect "$name merged" "$tmp/$name.merged.json" \
			"f[0]['code'] == 'draft00-host' and '192.0.2.2' in f[0]['text']"
	else
		expect "$name merged" "$tmp/$name.merged.json" \
			"f[0]['code'] == 'probes-rejected' and not [x for x in f if x['severity'] in ('critical', 'error')]"
	fi
done
[ $fail -eq 0 ] && echo "check-diagnose-ref: diagnose names ws2012-rtm draft00 and ws2012r2 rfc7637 from our own captures"
exit $fail
