# run-lib.sh - fixtures shared by the tests of `nvgrect run` (sourced).
#
# kernel_dut_up PREFIX: namespaces PREFIX-t (tester, veth nvt-tst0, no
# address) and PREFIX-d (veth nvt-dut0 holding 192.0.2.2/24): a bare Linux
# kernel as the DUT, which answers ARP and every GRE frame with ICMP 3/2.
# Matches tests/e2e/data/run-kernel-dut.yaml. Nothing leaves the pair.

: "${NVGRECT:=$(cd "$(dirname "$0")/../.." && pwd)/build/nvgrect}"
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
E2E_DATA=$E2E_DIR/data

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "skip: needs root (network namespaces)"
		exit 77
	fi
	command -v ip >/dev/null 2>&1 || { echo "skip: no iproute2"; exit 77; }
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

kernel_dut_up() {
	ip netns add "$1-t"
	ip netns add "$1-d"
	ip link add nvt-tst0 netns "$1-t" type veth peer name nvt-dut0 netns "$1-d"
	ip -n "$1-t" link set lo up
	ip -n "$1-d" link set lo up
	ip -n "$1-t" link set nvt-tst0 up
	ip -n "$1-d" addr add 192.0.2.2/24 dev nvt-dut0
	ip -n "$1-d" link set nvt-dut0 up
}

kernel_dut_down() {
	ip netns del "$1-t" 2>/dev/null || true
	ip netns del "$1-d" 2>/dev/null || true
}

# Milliseconds since the epoch.
now_ms() {
	date +%s%3N
}
