#!/bin/sh
# check-ovs.sh - Open vSwitch's userspace datapath as a real, independent
# NVGRE peer: the lab (lab.sh + ovs.sh) really decapsulates our frames, and
# what OVS does with each kind of probe is asserted, keyed in the rfc7637
# layout (key = VSID<<8) and in the draft00 layout (key = VSID). The ovs-gre
# reference profile models exactly these observations (check-ref.sh).
# Needs root, network namespaces, openvswitch-switch, python3-scapy (77 if not).
set -eu

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
. "$LAB_DIR/lab.sh"
# shellcheck source=tests/e2e/ovs.sh
. "$LAB_DIR/ovs.sh"

lab_need_root
ovs_available || need_missing "Open vSwitch (openvswitch-switch)"
need_py "$PYTHON" scapy

FAILS=0
OUT=""

probe() {
	OUT="$LAB_RUN/$1.out"
	shift
	lab_t "$PYTHON" "$LAB_DIR/nvprobe.py" --iface "$LAB_TESTER_IF" \
		--tester-pa "$LAB_TESTER_PA" --dut-pa "$LAB_DUT_PA" --wait 1.5 "$@" >"$OUT"
}

expect() {
	_line=$(grep "^probe $1:" "$OUT" || true)
	if echo "$_line" | grep -Eq "^probe $1: $2\$"; then
		echo "ok   $1: ${_line#probe "$1": }"
	else
		echo "FAIL $1: got '${_line#probe "$1": }', want /$2/"
		FAILS=$((FAILS + 1))
	fi
}

# One lab per keying: fresh daemons, fresh tunnel neighbour cache.
lab_session() {
	lab_init "ovs$1"
	lab_up
	lab_gre_quiet "$LAB_NS_T"   # the tester kernel would answer OVS's replies
	ovs_quiet_kernel            # the DUT kernel would answer ICMP 3/2 beside OVS
	"ovs_up_$1" >/dev/null
}

K=0x00138900
# --- keyed rfc7637: options:key = VSID<<8 ----------------------------------
lab_session rfc7637
probe rfc7637 ok:key=$K flow:key=0x0013895a flowff:key=0x001389ff \
	d0:key=0x00001389 unk:key=0x00177000 green:key=0x00177100,tenant=green \
	iso:key=0x00177100 c1:key=$K,flags=0xa000 cbad:key=$K,flags=0xa000,csum=bad \
	seq:key=$K,flags=0x3000 ver1:key=$K,flags=0x2001 rbit:key=$K,flags=0x6000 \
	strict:key=$K,flags=0x2800 recur:key=$K,flags=0x2100 rsvd:key=$K,flags=0x2010 \
	ipopt:key=$K,ipopt=1 vlan:key=$K,vlan=5 frag:key=$K,frag=1 \
	src:key=$K,src=192.0.2.99 arp:key=$K,inner=arp teb:key=$K,proto=0x0800 \
	nokey:flags=0x0000
# OVS answers ARP for the PA through br-phy (the kernel owns it there)
if grep -q '^arp-underlay none' "$OUT"; then
	echo "FAIL: no underlay ARP answer for the PA"
	FAILS=$((FAILS + 1))
fi
expect ok "echo key=0x00138900 inner-src=02:00:00:00:13:89"
expect green "echo key=0x00177100 inner-src=02:00:00:00:17:71"
expect flow silent          # whole 32-bit key is tun_id: FlowID != 0 misses
expect flowff silent
expect d0 silent
expect unk silent           # unknown key: no tunnel port, no ICMP
expect iso silent           # reaches green's VM, not addressed to it
expect c1 "echo key=0x00138900 .*"   # checksum verified and accepted
expect cbad silent
expect seq "echo key=0x00138900 .*"
expect ver1 silent
expect rbit silent
expect strict silent
expect recur silent
expect rsvd silent          # any flag bit but C/K/S: dropped (RFC 2784 says ignore)
expect ipopt silent         # "ip options not supported on tunnel packets"
expect vlan silent
expect frag silent          # no reassembly of outer fragments
expect src silent           # remote_ip mismatch: no tunnel port
expect arp "arp key=0x00138900 mac=02:00:00:00:13:89"
expect teb silent
expect nokey silent
lab_cleanup

# --- keyed draft00: options:key = VSID -------------------------------------
lab_session draft00
probe draft00 ok:key=0x00001389 green:key=0x00001771,tenant=green \
	rfc:key=0x00138900 rsv:key=0x01001389 flow:key=0x0013895a
expect ok "echo key=0x00001389 inner-src=02:00:00:00:13:89"
expect green "echo key=0x00001771 .*"
expect rfc silent           # an RFC 7637 sender cannot reach a draft00-keyed OVS
expect rsv silent
expect flow silent
lab_cleanup

if [ "$FAILS" -ne 0 ]; then
	echo "check-ovs: $FAILS failed"
	exit 1
fi
echo "check-ovs: Open vSwitch behaves as recorded (ovs-gre profile)"
