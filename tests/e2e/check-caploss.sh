#!/bin/sh
# check-caploss.sh - frames lost in the kernel's capture buffer make a run
# inconclusive (exit 3), never a pass, and report.json says how many
# (issue 8 §4). A tiny buffer (--buffer-size 0.0625 = 64 KiB) while trafgen
# floods the tester from the DUT namespace forces the drops; the same run
# without the flood, default buffer, is the control (0 dropped, exit 0).
set -eu
. "$(dirname "$0")/run-lib.sh"
need_tool trafgen
kernel_dut_up cap
FLOOD_FRAMES=${FLOOD_FRAMES:-600000}

run_mini() {    # run_mini DUTFILE OUTDIR OPTIONS...: exit status in $rc
	dutf=$1 out=$2
	shift 2
	rc=0
	lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$dutf" -o "$out" \
		--timeout 1 "$@" >"$out.log" 2>&1 || rc=$?
}

# Control: nothing lost, nothing inconclusive.
run_mini "$DUT" "$W/control"
[ "$rc" -eq 0 ] || { cat "$W/control.log"; fail "control: exit $rc, want 0"; }
jq -e '.summary.capture.dropped == 0' "$W/control/report.json" >/dev/null ||
	fail "control: frames dropped without a flood"
echo "ok: control: exit 0, 0 dropped"

# The flood: UDP from the DUT's PA to the tester's, as fast as trafgen goes.
tmac=$(lab_mac "$LAB_NS_T" "$LAB_TESTER_IF")
dmac=$(lab_mac "$LAB_NS_D" "$LAB_DUT_IF")
# A fixed dut.mac: the flood may drown the ARP reply, and this test is about
# judging with lost frames, not about an unreachable DUT.
awk -v mac="$dmac" '/^dut:/ { d = 1 } d && /mac: auto/ { sub(/auto/, mac); d = 0 } { print }' \
	"$DUT" >"$LAB_RUN/dut-fixed.yaml"
cat >"$LAB_RUN/flood.cfg" <<CFG
{
  eth(da=$tmac, sa=$dmac),
  ipv4(sa=$LAB_DUT_PA, da=$LAB_TESTER_PA, ttl=64),
  udp(sp=9, dp=9),
  fill(0x00, 18)
}
CFG
lab_spawn "$LAB_NS_D" flood trafgen --dev "$LAB_DUT_IF" --conf "$LAB_RUN/flood.cfg" \
	--num "$FLOOD_FRAMES" --cpus 1 --no-sock-mem
sleep 0.3
run_mini "$LAB_RUN/dut-fixed.yaml" "$W/flood" --buffer-size 0.0625
lab_stop flood || true
dropped=$(jq '.summary.capture.dropped' "$W/flood/report.json")
passes=$(jq '.summary.pass' "$W/flood/report.json")
[ "$dropped" -gt 0 ] || fail "flood: no frame dropped (flood too slow for this machine?)"
[ "$rc" -eq 3 ] || { cat "$W/flood.log"; fail "flood: exit $rc with $dropped dropped, want 3"; }
[ "$passes" -eq 0 ] || fail "flood: $passes cases pass despite $dropped lost frames"
echo "ok: flood: $dropped frames dropped by the kernel -> exit 3, 0 pass," \
	"summary.capture.dropped = $dropped"
echo "check-caploss: all passed"
