#!/bin/sh
# check-run-ovs.sh - `nvgrect run suites/interop/layouts.yaml` against Open
# vSwitch's userspace datapath (DESIGN.md §8, ovs.sh): a real, independent
# NVGRE implementation, keyed in the rfc7637 layout (options:key = VSID<<8)
# and in the draft00 layout (options:key = VSID). OVS matches the whole
# 32-bit key and drops a miss without a word, so:
#   rfc7637-keyed: accepts rfc7637, emits rfc7637, not FlowID tolerant,
#                  draft00 keys and unknown VSIDs silent;
#   draft00-keyed: accepts draft00, emits draft00, rfc7637 keys silent.
# The DUT namespace's kernel also owns the PA and would answer every GRE
# frame with ICMP 3/2 beside OVS; it is quieted (ovs_quiet_kernel), as a
# host using the OVS kernel datapath would be.
set -eu
. "$(dirname "$0")/run-lib.sh"
. "$LAB_DIR/ovs.sh"
. "$LAB_DIR/run-expect.sh"
lab_need_root
ovs_available || need_missing "Open vSwitch (openvswitch-switch)"
SUITE=$LAB_TOP/suites/interop/layouts.yaml
failed=0

# keying LAYOUT, then the five expected endpoint fields.
keying() {
	k=$1
	shift
	lab_init "runovs-$k"
	lab_up
	ovs_quiet_kernel
	"ovs_up_$k" >"$LAB_RUN/ovs-up.log" 2>&1 ||
		{ cat "$LAB_RUN/ovs-up.log" >&2; fail "ovs-$k: Open vSwitch did not come up"; }
	rc=0
	lab_t "$NVGRECT" run "$SUITE" --dut "$LAB_DUT_FILE" -o "$LAB_RUN/out" --timeout 1 \
		>"$LAB_RUN/run.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$LAB_RUN/run.log" >&2
		echo "FAIL: ovs-$k: run exited $rc, want 0 (every case is INFO)" >&2
		failed=1
	else
		expect_endpoint "$LAB_RUN/out/report.json" "ovs keyed $k" "$@" || failed=1
		# OVS sends FlowID 0 / the configured key: no entropy.
		jq -e '.emitter.flowid_entropy == false' "$LAB_RUN/out/report.json" >/dev/null ||
			{ echo "FAIL: ovs-$k: emitter.flowid_entropy is not false" >&2; failed=1; }
	fi
	lab_cleanup
}

keying rfc7637 '["rfc7637"]' '"rfc7637"' false '{"draft00":"silent"}' '"silent"'
keying draft00 '["draft00"]' '"draft00"' false '{"rfc7637":"silent"}' '"silent"'
[ $failed -eq 0 ] || exit 1
echo "check-run-ovs: all passed"
