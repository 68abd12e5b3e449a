# lab.sh - the namespace lab for end-to-end tests (POSIX sh, sourced).
#
# Two network namespaces joined by one veth pair; nothing else is touched and
# no frame leaves the pair. The tester side carries tester.pa; the DUT side
# carries no address when `nvgrect ref` serves there (the endpoint answers
# ARP for dut.pa itself, and a kernel address would add ARP replies and
# ICMP 3/2), or the PA on br-phy when Open vSwitch is the DUT (ovs.sh).
# IPv6 is disabled on every lab link so no RS/MLD/ND noise reaches captures,
# except the tester veth when LAB_TESTER_PA is an IPv6 address (an IPv6
# underlay: set LAB_TESTER_PA, LAB_DUT_PA and LAB_PLEN=64 before lab_up).
#
# Stable API (the run/demo tests rely on these names):
#
#   lab_need_root              exit 77 unless root and `ip netns` work
#   lab_init [TAG]             names, temp RUN dir, trap (EXIT INT TERM HUP)
#                              -> lab_cleanup; sets LAB_ID LAB_RUN LAB_NS_T
#                              LAB_NS_D (namespaces), LAB_DUT_FILE
#   lab_up                     namespaces + veth LAB_TESTER_IF/LAB_DUT_IF,
#                              lo up, IPv6 off, tester PA on the tester veth,
#                              writes LAB_DUT_FILE (lab_write_dut)
#   lab_t CMD...  lab_d CMD... run CMD in the tester / DUT namespace
#   lab_mac NS IFACE           print an interface's MAC
#   lab_neigh_dut              static neighbour dut.pa -> DUT veth MAC in the
#                              tester namespace (skips underlay ARP)
#   lab_write_dut FILE [NAME] [TESTER_IF]
#                              a DUT file for the lab's addresses and tenants
#                              (examples/lab-dut.yaml is the same content)
#   lab_spawn NS NAME CMD...   start CMD in NS in the background; pid in
#                              RUN/NAME.pid, output in RUN/NAME.log
#   lab_stop NAME              SIGTERM (then SIGKILL after 3 s) by pidfile;
#                              LAB_STOP_STATUS = its exit status (call it in
#                              this shell, not in $(...): only the parent
#                              shell can collect it)
#   lab_wait_log FILE REGEX [SECONDS]  wait for a line (default 5 s)
#   lab_ref_start PROFILE [DUTFILE] [ARGS...]
#                              `nvgrect ref -v` in the DUT namespace on
#                              LAB_DUT_IF (LAB_REF_VERBOSE=0: without -v);
#                              waits until it listens; log RUN/ref.log
#   lab_ref_stop               stop it (SIGTERM); LAB_REF_STATUS = its exit
#                              status (143 = stopped cleanly by SIGTERM)
#   lab_gre_quiet NS           hold a raw IPPROTO_GRE socket in NS so its
#                              kernel stops answering GRE with ICMP 3/2
#   lab_cleanup                stop every spawned process (and OVS, if
#                              ovs.sh started it), delete both namespaces,
#                              remove RUN (kept when LAB_KEEP=1)
#
# The veth ends are created directly inside their namespaces, so their fixed
# names (tst0, dut0: what the DUT files name) never meet another lab's.
#
# Variables (set before lab_up to change them): LAB_TESTER_PA 192.0.2.1,
# LAB_DUT_PA 192.0.2.2, LAB_PLEN 24, LAB_TESTER_IF tst0, LAB_DUT_IF dut0,
# NVGRECT (the binary; default build/nvgrect of this tree), PYTHON
# (/usr/bin/python3, the one with scapy).
#
# Tenants (lab_write_dut): blue VSID 5001, tester 198.51.100.1
# 02:00:00:00:00:01 -> VM 198.51.100.2 02:00:00:00:13:89; green VSID 6001,
# tester 203.0.113.1 02:00:00:00:00:02 -> VM 203.0.113.2 02:00:00:00:17:71.

: "${LAB_TESTER_PA:=192.0.2.1}"
: "${LAB_DUT_PA:=192.0.2.2}"
: "${LAB_PLEN:=24}"
: "${LAB_TESTER_IF:=tst0}"
: "${LAB_DUT_IF:=dut0}"
: "${PYTHON:=/usr/bin/python3}"
: "${LAB_DIR:=$(cd "$(dirname "$0")" && pwd)}"
: "${LAB_TOP:=$(cd "$LAB_DIR/../.." && pwd)}"
. "$LAB_TOP/tests/lib/need.sh"
: "${NVGRECT:=$LAB_TOP/build/nvgrect}"
LAB_SPAWNED=""
LAB_NS_T=""
LAB_NS_D=""
LAB_RUN=""

lab_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "skip: needs root (network namespaces)"
		exit 77
	fi
	need_tool ip
	_probe="nvt-probe-$$"
	if ! ip netns add "$_probe" 2>/dev/null; then
		echo "skip: cannot create network namespaces"
		exit 77
	fi
	ip netns del "$_probe"
}

lab_init() {
	LAB_ID="nvt-${1:-lab}-$$"
	LAB_NS_T="$LAB_ID-t"
	LAB_NS_D="$LAB_ID-d"
	LAB_RUN=$(mktemp -d "${TMPDIR:-/tmp}/$LAB_ID.XXXXXX")
	LAB_DUT_FILE="$LAB_RUN/dut.yaml"
	trap 'lab_cleanup' EXIT
	trap 'lab_cleanup; exit 130' INT
	trap 'lab_cleanup; exit 143' TERM
	trap 'lab_cleanup; exit 129' HUP
}

lab_t() { ip netns exec "$LAB_NS_T" "$@"; }
lab_d() { ip netns exec "$LAB_NS_D" "$@"; }

lab_mac() {
	ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

_lab_ns_up() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

lab_up() {
	_lab_ns_up "$LAB_NS_T"
	_lab_ns_up "$LAB_NS_D"
	ip link add "$LAB_TESTER_IF" netns "$LAB_NS_T" type veth \
		peer name "$LAB_DUT_IF" netns "$LAB_NS_D"
	lab_d sysctl -qw "net.ipv6.conf.$LAB_DUT_IF.disable_ipv6=1"
	case $LAB_TESTER_PA in
	*:*)	# an IPv6 underlay: IPv6 on the tester veth only, without DAD
		lab_t sysctl -qw "net.ipv6.conf.$LAB_TESTER_IF.disable_ipv6=0" \
			"net.ipv6.conf.$LAB_TESTER_IF.accept_dad=0"
		ip -n "$LAB_NS_T" addr add "$LAB_TESTER_PA/$LAB_PLEN" dev "$LAB_TESTER_IF" nodad
		;;
	*)	lab_t sysctl -qw "net.ipv6.conf.$LAB_TESTER_IF.disable_ipv6=1"
		ip -n "$LAB_NS_T" addr add "$LAB_TESTER_PA/$LAB_PLEN" dev "$LAB_TESTER_IF"
		;;
	esac
	ip -n "$LAB_NS_T" link set "$LAB_TESTER_IF" up
	ip -n "$LAB_NS_D" link set "$LAB_DUT_IF" up
	lab_write_dut "$LAB_DUT_FILE" "lab"
}

lab_neigh_dut() {
	ip -n "$LAB_NS_T" neigh replace "$LAB_DUT_PA" \
		lladdr "$(lab_mac "$LAB_NS_D" "$LAB_DUT_IF")" dev "$LAB_TESTER_IF" nud permanent
}

lab_write_dut() {
	cat >"$1" <<EOF
# DUT file of the namespace lab (tests/e2e/lab.sh).
name: ${2:-lab}
tester:
  iface: ${3:-$LAB_TESTER_IF}
  pa: $LAB_TESTER_PA
  mac: auto
dut:
  pa: $LAB_DUT_PA
  mac: auto
tenants:
  - name: blue
    vsid: 5001
    tester_ca: 198.51.100.1
    tester_mac: 02:00:00:00:00:01
    vm_ca: 198.51.100.2
    vm_mac: 02:00:00:00:13:89
  - name: green
    vsid: 6001
    tester_ca: 203.0.113.1
    tester_mac: 02:00:00:00:00:02
    vm_ca: 203.0.113.2
    vm_mac: 02:00:00:00:17:71
EOF
}

lab_spawn() {
	_ns=$1 _name=$2
	shift 2
	ip netns exec "$_ns" "$@" >"$LAB_RUN/$_name.log" 2>&1 &
	echo $! >"$LAB_RUN/$_name.pid"
	LAB_SPAWNED="$LAB_SPAWNED $_name"
}

_lab_alive() {
	[ -f "$LAB_RUN/$1.pid" ] && kill -0 "$(cat "$LAB_RUN/$1.pid")" 2>/dev/null
}

lab_stop() {
	[ -f "$LAB_RUN/$1.pid" ] || return 0
	_pid=$(cat "$LAB_RUN/$1.pid")
	kill -TERM "$_pid" 2>/dev/null || true
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_pid" 2>/dev/null || true
	LAB_STOP_STATUS=0
	wait "$_pid" 2>/dev/null || LAB_STOP_STATUS=$?
	rm -f "$LAB_RUN/$1.pid"
}

lab_wait_log() {
	_i=0
	_max=$(( ${3:-5} * 10 ))
	while [ $_i -lt $_max ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "lab: timed out waiting for /$2/ in $1" >&2
	return 1
}

lab_ref_start() {
	_prof=$1
	_dut=${2:-$LAB_DUT_FILE}
	if [ $# -ge 2 ]; then shift 2; else shift $#; fi
	_v=-v
	[ "${LAB_REF_VERBOSE:-1}" = 1 ] || _v=""
	# shellcheck disable=SC2086  # $_v: one word or none
	lab_spawn "$LAB_NS_D" ref "$NVGRECT" ref --profile "$_prof" --dut "$_dut" \
		-i "$LAB_DUT_IF" $_v "$@"
	# "listening" is logged once the capture and its filter are in place
	if ! lab_wait_log "$LAB_RUN/ref.log" 'listening on' 5 || ! _lab_alive ref; then
		cat "$LAB_RUN/ref.log" >&2
		return 1
	fi
}

lab_ref_stop() {
	lab_stop ref
	# shellcheck disable=SC2034  # read by the sourcing script
	LAB_REF_STATUS=$LAB_STOP_STATUS
}

lab_gre_quiet() {
	# An open raw socket for protocol 47 counts as delivery: no ICMP 3/2.
	# Linux 6.x no longer counts a raw socket whose receive queue is full,
	# so the queue must stay empty: a one-instruction BPF filter ("ret 0")
	# drops every datagram after the delivery is counted, and the holder
	# never wakes up (no CPU taken from the test at high rates).
	lab_spawn "$1" "grequiet-$1" "$PYTHON" -c '
import ctypes, signal, socket, struct, sys
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
SO_ATTACH_FILTER = 26
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
ret0 = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0))
s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
             struct.pack("HL", 1, ctypes.addressof(ret0)))
signal.pause()
'
}

lab_cleanup() {
	trap - EXIT INT TERM HUP
	if command -v ovs_down >/dev/null 2>&1; then
		ovs_down >/dev/null 2>&1 || true
	fi
	for _n in $LAB_SPAWNED; do
		lab_stop "$_n" >/dev/null 2>&1 || true
	done
	LAB_SPAWNED=""
	[ -n "$LAB_NS_T" ] && ip netns del "$LAB_NS_T" 2>/dev/null
	[ -n "$LAB_NS_D" ] && ip netns del "$LAB_NS_D" 2>/dev/null
	if [ -n "$LAB_RUN" ] && [ -d "$LAB_RUN" ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		rm -rf "$LAB_RUN"
	fi
	return 0
}
