#!/bin/sh
# check-run-resolve.sh - `nvgrect run` finds the MACs a DUT file leaves
# "auto": dut.mac by ARP on the underlay, each tenant's vm_mac by ARP inside
# the tunnel (rfc7637 first, then draft00). The Hyper-V profiles deliver
# only frames addressed to the VM's own MAC (02:4e:56 + VSID for "auto"), so
# a delivered probe proves the resolution; probes.pcapng shows the MAC used.
# Run once with tester.pa on the tester's interface and once without it
# (nvgrect then answers ARP for tester.pa itself). First, with nothing on
# the DUT side: unreachable is exit 3, with every case inconclusive.
set -eu
. "$(dirname "$0")/run-lib.sh"
lab_need_root
lab_init resolve
lab_up
failed=0

# resolve PROFILE DUTFILE LABEL WANT-DELIVERED-CASE
resolve() {
	prof=$1 dut=$2 label=$3 case_id=$4
	lab_ref_start "$prof" "$dut" || fail "$label: reference endpoint did not start"
	rc=0
	lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$dut" -o "$LAB_RUN/$label" \
		--timeout 1 -v >"$LAB_RUN/$label.log" 2>&1 || rc=$?
	lab_ref_stop >/dev/null
	[ "$rc" -eq 0 ] || { cat "$LAB_RUN/$label.log" >&2; fail "$label: run exited $rc"; }
	obs=$(jq -r --arg id "$case_id" '.cases[] | select(.id == $id) | .probes[0].observation' \
		"$LAB_RUN/$label/report.json")
	if [ "$obs" != delivered ]; then
		cat "$LAB_RUN/$label.log" >&2
		echo "FAIL: $label: $case_id observed '$obs', want delivered" >&2
		failed=1
		return 0
	fi
	dst=$(tshark -r "$LAB_RUN/$label/probes.pcapng" -Y "eth.type == 0x0800" \
		-T fields -e eth.dst 2>/dev/null | sed -n 2p)
	case $dst in
	*02:4e:56:00:13:89*) ;;
	*) echo "FAIL: $label: probes not sent to the VM's MAC 02:4e:56:00:13:89 ($dst)" >&2
	   failed=1
	   return 0 ;;
	esac
	echo "ok: $label: $case_id delivered; inner frames to $dst;" \
		"$(grep -c 'vm_mac' "$LAB_RUN/$label.log") vm_mac resolved"
}

rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$LAB_DUT_FILE" -o "$LAB_RUN/unreach" \
	--timeout 1 >"$LAB_RUN/unreach.log" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$LAB_RUN/unreach.log" >&2; fail "unreachable DUT: exit $rc, want 3"; }
grep -q 'DUT unreachable' "$LAB_RUN/unreach.log" || fail "unreachable DUT: no message"
jq -e '.summary.inconclusive == .summary.cases' "$LAB_RUN/unreach/report.json" >/dev/null ||
	fail "unreachable DUT: not every case inconclusive"
echo "ok: unreachable DUT: exit 3, 'DUT unreachable', every case inconclusive"

# The lab's DUT file with every MAC "auto".
sed 's/^\(    vm_mac:\).*/\1 auto/' "$LAB_DUT_FILE" >"$LAB_RUN/auto.yaml"
resolve ws2012r2 "$LAB_RUN/auto.yaml" r2-auto MINI-01
resolve ws2012-rtm "$LAB_RUN/auto.yaml" rtm-auto MINI-02
# The DUT's encapsulated replies reached a tester kernel that has no GRE:
# the raw GRE socket nvgrect holds kept it from answering ICMP 3/2.
unreach() {
	lab_t nstat -asz IcmpOutDestUnreachs | awk '$1 == "IcmpOutDestUnreachs" { print $2 }'
}
[ "$(unreach)" = 0 ] || fail "the tester's kernel sent $(unreach) ICMP unreachables during the runs"
echo "ok: no ICMP 3/2 from the tester's kernel while nvgrect held the GRE socket"
if "$PYTHON" -c 'import scapy' 2>/dev/null; then
	# Control: the same kind of frame with no run holding the socket.
	lab_ref_start ws2012r2 "$LAB_RUN/auto.yaml" >/dev/null || fail "control: ref did not start"
	lab_d "$PYTHON" -c "
from scapy.all import Ether, IP, GRE, ICMP, sendp
sendp(Ether(dst='$(lab_mac "$LAB_NS_T" "$LAB_TESTER_IF")') / IP(src='$LAB_DUT_PA', dst='$LAB_TESTER_PA') /
      GRE(key_present=1, key=0x00138900, proto=0x6558) / Ether() / IP() / ICMP(),
      iface='$LAB_DUT_IF', verbose=0)" 2>/dev/null
	sleep 0.5
	lab_ref_stop >/dev/null
	[ "$(unreach)" -ge 1 ] || fail "control: the tester's kernel did not answer GRE (test blind)"
	echo "ok: control: without the socket the tester's kernel answers GRE with ICMP 3/2"
fi

# Aliasing tenants (suites/duts/lab-alias.yaml): blue (VSID 5001) and red
# (VSID 0x138900) share a CA, and blue's rfc7637 key is red's draft00 key.
# Each VM answers its own tenant's tester MAC: that, not the key alone,
# tells whose MAC came back (the reference VMs are 02:4e:56 + VSID).
sed 's/^\(    vm_mac:\).*/\1 auto/' "$LAB_TOP/suites/duts/lab-alias.yaml" >"$LAB_RUN/alias.yaml"
for prof in ws2012-rtm ws2012r2; do
	lab_ref_start "$prof" "$LAB_RUN/alias.yaml" >/dev/null || fail "alias $prof: ref did not start"
	lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$LAB_RUN/alias.yaml" \
		-o "$LAB_RUN/alias-$prof" --timeout 0.5 -v >"$LAB_RUN/alias-$prof.log" 2>&1 || true
	lab_ref_stop >/dev/null
	for want in "blue: vm_mac 02:4e:56:00:13:89" "red: vm_mac 02:4e:56:13:89:00"; do
		grep -q "tenant $want" "$LAB_RUN/alias-$prof.log" || {
			cat "$LAB_RUN/alias-$prof.log" >&2
			fail "alias $prof: want 'tenant $want'"
		}
	done
	echo "ok: aliasing tenants against $prof: blue and red each got their own VM's MAC"
done

# No tester.pa on the interface: the DUT's ARP for it is answered by nvgrect.
ip -n "$LAB_NS_T" addr flush dev "$LAB_TESTER_IF"
resolve ws2012r2 "$LAB_RUN/auto.yaml" r2-noaddr MINI-01
[ $failed -eq 0 ] || exit 1
echo "check-run-resolve: all passed"
