#!/bin/sh
# The live run's receive path against the one it replaced (DESIGN.md §9:
# zero drops at 600 k frames/s while classifying). tests/bench/capbench.c
# captures in one namespace, pinned to CPU 1, dissecting every frame, while
# `nvgrect gen -i --count N` sends from another, pinned to CPU 0:
#   run        gen/live.c as `nvgrect run` opens it: TPACKET_V3, 64 MiB,
#              10 ms block timeout (verify/capture.c);
#   immediate  the previous settings: immediate mode (libpcap 1.10 then uses
#              TPACKET_V2), 8 MiB.
# Prints frames captured, pcap_stats drops and the arrival rate (what the
# sender reached: on veth the capture's ring copy runs in its softirq).
# Then `nvgrect run` itself (run-mini.yaml, --timeout long enough for the
# flood): every frame through the verifier and into capture.pcapng; its
# report's summary.capture.dropped.
# Env: NVGRECT, BUILD, BENCH_N (1000000), BENCH_LIVE_PPS (5000000 = as fast
# as the sender goes), BENCH_RUNS (1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
bin=${NVGRECT:-$BUILD/nvgrect}
N=${BENCH_N:-1000000}
PPS=${BENCH_LIVE_PPS:-5000000}
RUNS=${BENCH_RUNS:-1}
suite=$root/suites/interop/layouts.yaml
dut=$root/tests/golden/gen/dut.yaml

if [ "$(id -u)" -ne 0 ] || ! command -v taskset >/dev/null 2>&1; then
	echo "capture needs root, ip netns and taskset: skipped"
	exit 77
fi
dir=$(mktemp -d /tmp/nvt-bench-cap.XXXXXX)
A=nvt-bcap-$$-a
B=nvt-bcap-$$-b
cleanup() {
	[ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

libs="$(pkg-config --libs libpcap yaml-0.1) -lnet -lcap-ng -lm -lpthread"
# shellcheck disable=SC2086
cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O2 -o "$dir/capbench" \
	"$here/capbench.c" "$BUILD/libnvgrect.a" $libs
ip netns add "$A"
ip netns add "$B"
ip link add vcA netns "$A" type veth peer name vcB netns "$B"
for ns in $A $B; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip netns exec "$A" ip link set vcA up
ip netns exec "$B" ip link set vcB up
# the capture window: the whole send at 200 k/s or more, plus start-up
ms=$((N / 200 + 3000))

for run in $(seq "$RUNS"); do
	for mode in run immediate; do
		ip netns exec "$B" taskset -c 1 "$dir/capbench" "$mode" vcB "$ms" 192.0.2.2 \
			>"$dir/cap.out" 2>&1 &
		cpid=$!
		i=0
		while ! grep -q ready "$dir/cap.out" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		sent=$(ip netns exec "$A" taskset -c 0 "$bin" gen "$suite" --dut "$dut" \
			--case LAY-01 --count "$N" -i vcA --rate "$PPS" 2>&1 | tail -n 1)
		wait "$cpid" || true
		cpid=""
		echo "capture run $run: $(tail -n 1 "$dir/cap.out") | sender: ${sent#nvgrect gen: }"
	done
done

# --- nvgrect run itself --------------------------------------------------------
# The flood goes to the run's tester.pa under a MAC nobody holds, as above:
# the kernel's IP stack skips it, the capture does not.
mkdir -m 1777 "$dir/w"
cat >"$dir/run-dut.yaml" <<DUT
name: bench-run
tester: {iface: vcB, pa: 192.0.2.1}
dut: {pa: 192.0.2.2, mac: 02:00:00:bb:00:02}
tenants:
  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, tester_mac: 02:00:00:00:00:01,
     vm_ca: 198.51.100.2, vm_mac: 02:00:00:00:13:89}
DUT
cat >"$dir/flood-dut.yaml" <<DUT
name: bench-flood
tester: {iface: vcA, pa: 192.0.2.2}
dut: {pa: 192.0.2.1, mac: 02:00:00:bb:00:99}
tenants:
  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, tester_mac: 02:00:00:00:00:01,
     vm_ca: 198.51.100.2, vm_mac: 02:00:00:00:13:89}
DUT
mini=$root/tests/e2e/data/run-mini.yaml
for run in $(seq "$RUNS"); do
	rm -rf "$dir/w/out"
	ip netns exec "$B" taskset -c 1 "$bin" run "$mini" --dut "$dir/run-dut.yaml" \
		-o "$dir/w/out" --timeout $((ms / 1000)) >"$dir/run.out" 2>&1 &
	cpid=$!
	sleep 1
	sent=$(ip netns exec "$A" taskset -c 0 "$bin" gen "$mini" --dut "$dir/flood-dut.yaml" \
		--count "$N" -i vcA --rate "$PPS" --seed 2 2>&1 | tail -n 1)
	wait "$cpid" || true
	cpid=""
	got=$(jq -r '.summary.capture | "captured \(.captured) received \(.received) dropped \(.dropped)"' \
		"$dir/w/out/report.json" 2>/dev/null || echo "no report: $(tail -n 2 "$dir/run.out")")
	echo "capture run $run: nvgrect run: $got | sender: ${sent#nvgrect gen: }"
done
exit 0
