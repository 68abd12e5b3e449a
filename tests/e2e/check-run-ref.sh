#!/bin/sh
# check-run-ref.sh - `nvgrect run suites/interop/layouts.yaml` against every
# `nvgrect ref` profile in the namespace lab, and each report's endpoint
# block field by field against what the profile's behaviour implies
# (ref/profile.c):
#   rfc7637       VSID lookup, FlowID ignored, entropy FlowIDs, silent miss
#   ws2012-rtm    draft00 keys, miss -> ICMP 3/10 from the PA
#   ws2012r2      rfc7637 keys, miss -> ICMP 3/10 inside NVGRE
#   linux-gretap  exact 32-bit key, miss -> ICMP 3/3 (rate-limited)
#   ovs-gre       exact 32-bit key, silent miss
# A draft00 key of a provisioned VSID reads as a reserved rfc7637 VSID (and
# vice versa), so it is the "other layout" miss of each profile.
# The five run at once, each in its own namespace pair (run-ref-host.sh):
# the suite paces its probes 1.1 s apart, so the runs are mostly waiting.
set -eu
. "$(dirname "$0")/run-lib.sh"
. "$LAB_DIR/run-expect.sh"
lab_need_root
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvt-runref-$$.XXXXXX")
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
lab_write_dut "$tmp/lab.yaml" lab
PROFILES="rfc7637 ws2012-rtm ws2012r2 linux-gretap ovs-gre"
for prof in $PROFILES; do
	sh "$LAB_DIR/run-ref-host.sh" "$prof" "$tmp/lab.yaml" "$tmp/$prof" \
		>"$tmp/$prof.host" 2>&1 &
	pids="$pids $!"
done
failed=0
for p in $pids; do
	wait "$p" || failed=1
done
pids=
for prof in $PROFILES; do
	[ -f "$tmp/$prof/report.json" ] && continue
	cat "$tmp/$prof.host" >&2
	echo "FAIL: $prof: no report" >&2
done
[ $failed -eq 0 ] || exit 1

check() {   # check PROFILE, then the five expected fields
	prof=$1
	shift
	expect_endpoint "$tmp/$prof/report.json" "$prof" "$@" || failed=1
}
check rfc7637 '["rfc7637"]' '"rfc7637"' true '{"draft00":"silent"}' '"silent"'
check ws2012-rtm '["draft00"]' '"draft00"' false '{"rfc7637":"icmp-3-10"}' '"icmp-3-10"'
check ws2012r2 '["rfc7637"]' '"rfc7637"' true '{"draft00":"nvgre-icmp-3-10"}' \
	'"nvgre-icmp-3-10"'
check linux-gretap '["rfc7637"]' '"rfc7637"' false '{"draft00":"icmp-3-3"}' '"icmp-3-3"'
check ovs-gre '["rfc7637"]' '"rfc7637"' false '{"draft00":"silent"}' '"silent"'

# The rfc7637 profile fills FlowIDs with entropy; Hyper-V R2 sends FlowID 0.
jq -e '.emitter.flowid_entropy == true' "$tmp/rfc7637/report.json" >/dev/null ||
	{ echo "FAIL: rfc7637: emitter.flowid_entropy is not true" >&2; failed=1; }
jq -e '.emitter.flowid_entropy == false' "$tmp/ws2012r2/report.json" >/dev/null ||
	{ echo "FAIL: ws2012r2: emitter.flowid_entropy is not false" >&2; failed=1; }
[ $failed -eq 0 ] || exit 1
echo "check-run-ref: all passed"
