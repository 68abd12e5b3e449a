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
set -eu
. "$(dirname "$0")/run-lib.sh"
. "$LAB_DIR/run-expect.sh"
lab_need_root
lab_init runref
lab_up
SUITE=$LAB_TOP/suites/interop/layouts.yaml
failed=0

# run_profile PROFILE, then the five expected fields.
run_profile() {
	prof=$1
	shift
	lab_ref_start "$prof" || fail "$prof: reference endpoint did not start"
	rc=0
	lab_t "$NVGRECT" run "$SUITE" --dut "$LAB_DUT_FILE" -o "$LAB_RUN/$prof" \
		--timeout 1 >"$LAB_RUN/$prof.log" 2>&1 || rc=$?
	lab_ref_stop >/dev/null
	if [ "$rc" -ne 0 ]; then
		cat "$LAB_RUN/$prof.log" >&2
		echo "FAIL: $prof: run exited $rc, want 0 (every case is INFO)" >&2
		failed=1
		return 0
	fi
	expect_endpoint "$LAB_RUN/$prof/report.json" "$prof" "$@" || failed=1
}

run_profile rfc7637 '["rfc7637"]' '"rfc7637"' true '{"draft00":"silent"}' '"silent"'
run_profile ws2012-rtm '["draft00"]' '"draft00"' false '{"rfc7637":"icmp-3-10"}' '"icmp-3-10"'
run_profile ws2012r2 '["rfc7637"]' '"rfc7637"' true '{"draft00":"nvgre-icmp-3-10"}' \
	'"nvgre-icmp-3-10"'
run_profile linux-gretap '["rfc7637"]' '"rfc7637"' false '{"draft00":"icmp-3-3"}' '"icmp-3-3"'
run_profile ovs-gre '["rfc7637"]' '"rfc7637"' false '{"draft00":"silent"}' '"silent"'

# The rfc7637 profile fills FlowIDs with entropy; Hyper-V R2 sends FlowID 0.
jq -e '.emitter.flowid_entropy == true' "$LAB_RUN/rfc7637/report.json" >/dev/null ||
	{ echo "FAIL: rfc7637: emitter.flowid_entropy is not true" >&2; failed=1; }
jq -e '.emitter.flowid_entropy == false' "$LAB_RUN/ws2012r2/report.json" >/dev/null ||
	{ echo "FAIL: ws2012r2: emitter.flowid_entropy is not false" >&2; failed=1; }
[ $failed -eq 0 ] || exit 1
echo "check-run-ref: all passed"
