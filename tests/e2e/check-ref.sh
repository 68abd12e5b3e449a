#!/bin/sh
# check-ref.sh - `nvgrect ref`, every profile, driven without `nvgrect run`:
# an independent scapy prober (nvprobe.py) sends hand-built NVGRE frames from
# the tester namespace and reports what came back; this script asserts each
# profile's documented behaviour probe by probe (ref/profile.c).
# Needs root and network namespaces (exit 77 otherwise).
set -eu

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lab.sh
. "$LAB_DIR/lab.sh"

lab_need_root
need_py "$PYTHON" scapy
[ -x "$NVGRECT" ] || { echo "skip: no binary at $NVGRECT"; exit 77; }

lab_init ref
lab_up
lab_gre_quiet "$LAB_NS_T"    # the tester kernel would answer replies with ICMP 3/2

FAILS=0

# One round: start the profile, send the probes, stop it.
round() {
	_prof=$1
	OUT="$LAB_RUN/probe.out"
	shift
	lab_ref_start "$_prof"
	lab_t "$PYTHON" "$LAB_DIR/nvprobe.py" --iface "$LAB_TESTER_IF" \
		--tester-pa "$LAB_TESTER_PA" --dut-pa "$LAB_DUT_PA" "$@" >"$OUT"
	lab_ref_stop
	cp "$OUT" "$LAB_RUN/$_prof.out"
	cp "$LAB_RUN/ref.log" "$LAB_RUN/$_prof.log"
	if [ "$LAB_REF_STATUS" != 143 ]; then
		echo "FAIL $_prof: ref exited $LAB_REF_STATUS on SIGTERM (want 143)"
		FAILS=$((FAILS + 1))
	fi
}

# expect PROFILE PROBE REGEX: the probe's line must match.
expect() {
	_line=$(grep "^probe $2:" "$LAB_RUN/$1.out" || true)
	if echo "$_line" | grep -Eq "^probe $2: $3\$"; then
		echo "ok   $1 $2: ${_line#probe "$2": }"
	else
		echo "FAIL $1 $2: got '${_line#probe "$2": }', want /$3/"
		FAILS=$((FAILS + 1))
	fi
}

expect_arp() {
	_mac=$(lab_mac "$LAB_NS_D" "$LAB_DUT_IF")
	if grep -q "^arp-underlay $_mac\$" "$LAB_RUN/$1.out"; then
		echo "ok   $1 underlay ARP: $_mac"
	else
		echo "FAIL $1 underlay ARP: $(head -1 "$LAB_RUN/$1.out"), want $_mac"
		FAILS=$((FAILS + 1))
	fi
}

# expect_log PROFILE REGEX: the -v log must hold such a decision line.
expect_log() {
	if grep -Eq "$2" "$LAB_RUN/$1.log"; then
		echo "ok   $1 log: /$2/"
	else
		echo "FAIL $1 log: no line matches /$2/"
		FAILS=$((FAILS + 1))
	fi
}

# examples/lab-dut.yaml documents the lab's DUT file: the two must not drift
strip() { sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$1"; }
strip "$LAB_DUT_FILE" >"$LAB_RUN/dut.stripped"
if ! strip "$LAB_TOP/examples/lab-dut.yaml" | diff - "$LAB_RUN/dut.stripped"; then
	echo "FAIL examples/lab-dut.yaml differs from lab_write_dut"
	FAILS=$((FAILS + 1))
fi

K_BLUE=0x00138900          # VSID 5001, rfc7637
K_BLUE_F=0x0013895a        # VSID 5001, FlowID 0x5a
K_BLUE_D0=0x00001389       # VSID 5001, draft00 (rfc7637: VSID 0x13, FlowID 0x89)
K_UNK=0x00177000           # VSID 6000, not provisioned
K_GREEN=0x00177100         # VSID 6001, rfc7637
K_GREEN_D0=0x00001771      # VSID 6001, draft00

COMMON="ok:key=$K_BLUE flow:key=$K_BLUE_F d0:key=$K_BLUE_D0 unk:key=$K_UNK
arp:key=$K_BLUE,inner=arp c1:key=$K_BLUE,flags=0xa000
cbad:key=$K_BLUE,flags=0xa000,csum=bad vlan:key=$K_BLUE,vlan=5
ver:key=$K_BLUE,flags=0x2001 rbit:key=$K_BLUE,flags=0x6000
strict:key=$K_BLUE,flags=0x2800 rsvd:key=$K_BLUE,flags=0x2010
seq:key=$K_BLUE,flags=0x3000 frag:key=$K_BLUE,frag=1 ipopt:key=$K_BLUE,ipopt=1
src:key=$K_BLUE,src=192.0.2.99"

# --- rfc7637: VSID lookup, FlowID entropy, silent misses -----------------------
# shellcheck disable=SC2086
round rfc7637 $COMMON green:key=$K_GREEN,tenant=green iso:key=$K_GREEN
expect_arp rfc7637
expect rfc7637 ok "echo key=0x001389(0[1-9a-f]|[1-9a-f][0-9a-f]) inner-src=02:00:00:00:13:89"
expect rfc7637 flow "echo key=0x001389[0-9a-f]{2} .*"
expect rfc7637 green "echo key=0x001771[0-9a-f]{2} inner-src=02:00:00:00:17:71"
expect rfc7637 iso silent                 # blue's frame under green's VSID
expect rfc7637 d0 silent
expect rfc7637 unk silent
expect rfc7637 arp "arp key=0x001389[0-9a-f]{2} mac=02:00:00:00:13:89"
expect rfc7637 c1 "echo .*"
expect rfc7637 cbad silent
expect rfc7637 vlan silent
expect rfc7637 ver silent
expect rfc7637 rbit silent
expect rfc7637 strict silent
expect rfc7637 rsvd "echo .*"         # RFC 2784 bits 6-12: ignored on receipt
expect rfc7637 seq "echo .*"
expect rfc7637 frag silent
expect rfc7637 ipopt "echo .*"
expect rfc7637 src silent
expect_log rfc7637 "drop vsid.reserved from .* key=$K_BLUE_D0"
expect_log rfc7637 "drop inner.8021q"
expect_log rfc7637 "drop outer.fragment"

# --- ws2012-rtm: draft00 keys, ICMP 3/10 from the PA -----------------------------
# shellcheck disable=SC2086
round ws2012-rtm ok:key=$K_BLUE_D0 green:key=$K_GREEN_D0,tenant=green \
	iso:key=$K_GREEN_D0 rfc:key=$K_BLUE \
	rfcflow:key=$K_BLUE_F rsv:key=0x01001389 unk:key=0x00001770 \
	arp:key=$K_BLUE_D0,inner=arp vlan:key=$K_BLUE_D0,vlan=5 \
	mac:key=$K_BLUE_D0,dstmac=02:00:00:00:99:99
expect_arp ws2012-rtm
expect ws2012-rtm ok "echo key=0x00001389 inner-src=02:00:00:00:13:89"
expect ws2012-rtm green "echo key=0x00001771 .*"
expect ws2012-rtm iso "icmp 3/10 quote=[0-9]+"   # policy: inner CAs are blue's
expect ws2012-rtm rfc "icmp 3/10 quote=[0-9]+"
expect ws2012-rtm rfcflow "icmp 3/10 quote=[0-9]+"
expect ws2012-rtm rsv "icmp 3/10 quote=[0-9]+"
expect ws2012-rtm unk "icmp 3/10 quote=[0-9]+"
expect ws2012-rtm arp "arp key=0x00001389 mac=02:00:00:00:13:89"
expect ws2012-rtm vlan silent
expect ws2012-rtm mac "icmp 3/10 quote=[0-9]+"
expect_log ws2012-rtm "reject key.reserved-bits from .* key=0x01001389"

# --- ws2012r2: rfc7637 keys, FlowID 0, ICMP 3/10 inside NVGRE -----------------
# shellcheck disable=SC2086
round ws2012r2 ok:key=$K_BLUE flow:key=$K_BLUE_F d0:key=$K_BLUE_D0 unk:key=$K_UNK \
	green:key=$K_GREEN,tenant=green iso:key=$K_GREEN arp:key=$K_BLUE,inner=arp \
	vlan:key=$K_BLUE,vlan=5 \
	cbad:key=$K_BLUE,flags=0xa000,csum=bad
expect_arp ws2012r2
expect ws2012r2 ok "echo key=0x00138900 inner-src=02:00:00:00:13:89"
expect ws2012r2 flow "echo key=0x00138900 .*"
expect ws2012r2 green "echo key=0x00177100 .*"
# the UNREACHABLE message: key = the probe's VSID with FlowID 0, quote from GRE
expect ws2012r2 d0 "nvgre-icmp 3/10 key=0x00001300 quote=66"
expect ws2012r2 unk "nvgre-icmp 3/10 key=0x00177000 quote=66"
expect ws2012r2 iso "nvgre-icmp 3/10 key=0x00177100 quote=66"
expect ws2012r2 arp "arp key=0x00138900 .*"
expect ws2012r2 vlan silent
expect ws2012r2 cbad silent

# --- linux-gretap: exact key, ICMP 3/3 rate-limited (burst 6, 1/s) -----------
# shellcheck disable=SC2086
round linux-gretap ok:key=$K_BLUE vlan:key=$K_BLUE,vlan=5 \
	strict:key=$K_BLUE,flags=0x2800 ver:key=$K_BLUE,flags=0x2001 \
	m1:key=$K_BLUE_F m2:key=$K_BLUE_D0 m3:key=$K_UNK m4:key=$K_UNK m5:key=$K_UNK \
	m6:key=$K_UNK m7:key=$K_UNK m8:key=$K_UNK later:key=$K_UNK,gap=1.2
expect_arp linux-gretap
expect linux-gretap ok "echo key=0x00138900 .*"
expect linux-gretap vlan "echo key=0x00138900 .*"    # no inner-tag check (inferred)
expect linux-gretap strict "echo .*"                 # gre_parse_header: only version, R
expect linux-gretap ver silent
expect linux-gretap m1 "icmp 3/3 quote=[0-9]+"
expect linux-gretap m2 "icmp 3/3 quote=[0-9]+"
expect linux-gretap m6 "icmp 3/3 quote=[0-9]+"
expect linux-gretap m7 silent                        # the bucket (6) is empty
expect linux-gretap m8 silent
expect linux-gretap later "icmp 3/3 quote=[0-9]+"    # one token a second
expect_log linux-gretap "reject key.flowid-nonzero .* suppressed|reject key.unknown .* suppressed"

# --- ovs-gre: exact key, only C/K/S, no IP options, silent ------------------
# shellcheck disable=SC2086
round ovs-gre $COMMON
expect_arp ovs-gre
expect ovs-gre ok "echo key=0x00138900 .*"
expect ovs-gre flow silent
expect ovs-gre d0 silent
expect ovs-gre unk silent
expect ovs-gre c1 "echo .*"
expect ovs-gre cbad silent
expect ovs-gre seq "echo .*"
expect ovs-gre rsvd silent
expect ovs-gre strict silent
expect ovs-gre ipopt silent
expect ovs-gre vlan silent

# --- the command itself: usage errors, --count-limit, SIGINT -----------------
cli() {
	_want=$1
	shift
	_st=0
	lab_d "$NVGRECT" ref "$@" >/dev/null 2>&1 || _st=$?
	if [ "$_st" = "$_want" ]; then
		echo "ok   cli: nvgrect ref $* -> $_st"
	else
		echo "FAIL cli: nvgrect ref $* -> $_st, want $_want"
		FAILS=$((FAILS + 1))
	fi
}
cli 0 --list-profiles
cli 2 --profile hyper-v --dut "$LAB_DUT_FILE" -i "$LAB_DUT_IF"
cli 2 --profile rfc7637 --dut "$LAB_RUN/missing.yaml" -i "$LAB_DUT_IF"
cli 2 --profile rfc7637 --dut "$LAB_DUT_FILE"
cli 2 --profile rfc7637 --dut "$LAB_DUT_FILE" -i "$LAB_DUT_IF" --count-limit 0
cli 2 --profile rfc7637 --dut "$LAB_DUT_FILE" -i nosuch0     # no such interface

# --count-limit: exits 0 on its own after N decisions (ARP counts as one)
lab_ref_start rfc7637 "$LAB_DUT_FILE" --count-limit 3
lab_t "$PYTHON" "$LAB_DIR/nvprobe.py" --iface "$LAB_TESTER_IF" \
	a:key=$K_BLUE b:key=$K_BLUE c:key=$K_BLUE >"$LAB_RUN/limit.out"
sleep 0.5
if [ -f "$LAB_RUN/ref.pid" ] && kill -0 "$(cat "$LAB_RUN/ref.pid")" 2>/dev/null; then
	echo "FAIL --count-limit 3: still running after 4 decisions"
	FAILS=$((FAILS + 1))
fi
lab_ref_stop
if [ "$LAB_REF_STATUS" = 0 ] && grep -q '^probe b: echo' "$LAB_RUN/limit.out" &&
   grep -q '^probe c: silent' "$LAB_RUN/limit.out"; then
	echo "ok   --count-limit 3: ARP + 2 echoes answered, then exit 0"
else
	echo "FAIL --count-limit 3: status $LAB_REF_STATUS, $(tr '\n' ' ' <"$LAB_RUN/limit.out")"
	FAILS=$((FAILS + 1))
fi

# SIGINT stops it cleanly with 130 and the statistics line
lab_ref_start ovs-gre
kill -INT "$(cat "$LAB_RUN/ref.pid")"
_i=0
while kill -0 "$(cat "$LAB_RUN/ref.pid")" 2>/dev/null && [ $_i -lt 20 ]; do
	sleep 0.1    # a second signal would mean "exit now" (143)
	_i=$((_i + 1))
done
lab_ref_stop
if [ "$LAB_REF_STATUS" = 130 ] && grep -q 'frames seen' "$LAB_RUN/ref.log"; then
	echo "ok   SIGINT: exit 130 with statistics"
else
	echo "FAIL SIGINT: status $LAB_REF_STATUS"
	FAILS=$((FAILS + 1))
fi

# --- an IPv6 underlay: ND for the PA, ICMPv6 signatures ----------------------
lab_cleanup
LAB_TESTER_PA=2001:db8:ffff::1 LAB_DUT_PA=2001:db8:ffff::2 LAB_PLEN=64
lab_init ref6
lab_up
V6="ok:key=$K_BLUE d0:key=$K_BLUE_D0 unk:key=$K_UNK arp:key=$K_BLUE,inner=arp"
# shellcheck disable=SC2086
round ws2012r2 $V6
expect_arp ws2012r2
expect ws2012r2 ok "echo key=0x00138900 inner-src=02:00:00:00:13:89"
expect ws2012r2 unk "nvgre-icmp 1/1 key=0x00177000 quote=66"
expect ws2012r2 arp "arp key=0x00138900 .*"
# shellcheck disable=SC2086
round linux-gretap $V6
expect linux-gretap ok "echo key=0x00138900 .*"
expect linux-gretap d0 "icmp 1/4 quote=122"      # ip6_gre: ICMPV6_PORT_UNREACH
# shellcheck disable=SC2086
round ws2012-rtm $V6
expect ws2012-rtm d0 "echo key=0x00001389 .*"
expect ws2012-rtm ok "icmp 1/1 quote=122"
# shellcheck disable=SC2086
round rfc7637 $V6
expect rfc7637 ok "echo key=0x001389[0-9a-f]{2} .*"
expect rfc7637 unk silent

if [ "$FAILS" -ne 0 ]; then
	echo "check-ref: $FAILS failed (logs: LAB_KEEP=1 keeps $LAB_RUN)"
	exit 1
fi
echo "check-ref: all profiles behave as documented"
