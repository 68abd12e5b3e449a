# run-lib.sh - fixtures for the tests of `nvgrect run` (sourced), on top of
# the namespace lab (lab.sh).
#
# kernel_dut_up TAG: the lab with a bare Linux kernel as the DUT: dut.pa on
# the DUT veth, no NVGRE endpoint, so it answers ARP itself and every GRE
# frame with ICMP 3/2. Sets DUT (the lab's DUT file) and W (a directory
# under the lab's RUN dir that any user may write, for --user nobody runs).
# Everything is removed by lab_cleanup, on exit or on a signal.

. "$(dirname "$0")/lab.sh"
E2E_DATA=$LAB_DIR/data

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

kernel_dut_up() {
	lab_need_root
	lab_init "$1"
	lab_up
	ip -n "$LAB_NS_D" addr add "$LAB_DUT_PA/$LAB_PLEN" dev "$LAB_DUT_IF"
	chmod 755 "$LAB_RUN"
	W=$LAB_RUN/w
	mkdir -m 1777 "$W"
	DUT=$LAB_DUT_FILE
}

# Milliseconds since the epoch.
now_ms() {
	date +%s%3N
}

# A pcap or pcapng file tshark reads to its end without complaint.
pcap_ok() {
	_msg=$(tshark -r "$1" 2>&1 >/dev/null) || { echo "$_msg" >&2; return 1; }
	! echo "$_msg" | grep -v -i 'running as user' | grep -q .
}

pcap_count() {
	tshark -r "$1" 2>/dev/null | wc -l
}
