#!/bin/sh
# The verifier against its peer and limits, in one run (DESIGN.md §9):
#  offline  a capture of N frames (suites/interop/layouts.yaml as a --count
#           stream of N/2 probes, each answered by the ws2012r2 reference
#           profile: echo replies and NVGRE-carried ICMP 3/10) scored by
#           `nvgrect verify --stream` (full dissection, correlation, judging,
#           reports), against `tshark -T fields -e gre.key` on the same file
#           (one run); target >= 6 M frames/s;
#  memory   peak RSS scoring the whole file against scoring its first tenth
#           (target: < 1 MiB more);
#  live     verify/capture.c (TPACKET_V3, 64 MiB, poll loop) feeding every
#           frame to the verifier (dissect + correlate) in a namespace while
#           `nvgrect gen -i` sends N frames at 600 k/s (2 workers) from
#           another: frames captured, probes matched, pcap_stats drops
#           (target: 0 dropped). The arrival rate is what the sender reached.
# Env: NVGRECT, BUILD, BENCH_N (1000000), BENCH_RUNS (5), BENCH_LIVE_PPS (600000).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
bin=${NVGRECT:-$BUILD/nvgrect}
N=${BENCH_N:-1000000}
RUNS=${BENCH_RUNS:-5}
PPS=${BENCH_LIVE_PPS:-600000}
suite=$root/suites/interop/layouts.yaml
dut=$root/tests/golden/gen/dut.yaml

. "$here/lib.sh"
bench_init verify
maxrss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

libs="$(pkg-config --libs libpcap yaml-0.1) -lnet -lcap-ng -lm -lpthread"
# shellcheck disable=SC2086
cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O2 -o "$dir/responder" \
	"$root/tests/golden/verify/responder.c" "$BUILD/libnvgrect.a" $libs
# shellcheck disable=SC2086
cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O2 -o "$dir/capdrv" \
	"$root/tests/golden/verify/capdrv.c" "$BUILD/libnvgrect.a" $libs

# --- offline -----------------------------------------------------------------
"$bin" gen "$suite" --dut "$dut" --count $((N / 2)) -w "$dir/probes.pcap" 2>/dev/null
"$dir/responder" ws2012r2 "$dut" "$dir/probes.pcap" "$dir/cap.pcap"
rm -f "$dir/probes.pcap"
frames=$(tshark -v >/dev/null 2>&1 && capinfos -Mc "$dir/cap.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}')
[ -n "$frames" ] || frames=$N
echo "capture: $frames frames, $(($(stat -c %s "$dir/cap.pcap") / 1048576)) MiB ($dir); $RUNS runs"
VERIFY="$bin verify $suite --dut $dut --stream -q --force"
: >"$dir/t_ver"
: >"$dir/t_cpu"
for r in $(seq "$RUNS"); do
	t0=$(now_us)
	/usr/bin/time -f "%U %S" -o "$dir/cpu" $VERIFY -r "$dir/cap.pcap" -o "$dir/out" || true
	echo $(($(now_us) - t0)) >>"$dir/t_ver"
	awk '{printf "%.0f\n", ($1 + $2) * 1e6}' "$dir/cpu" >>"$dir/t_cpu"
done
tv=$(median <"$dir/t_ver")
rv=$(rate "$frames" "$tv")
tc=$(median <"$dir/t_cpu")
[ "$tc" -gt 0 ] 2>/dev/null || tc=1
got=$(jq -r '.summary.capture | "\(.captured) captured, \(.responses) answers matched, \(.unsolicited) unsolicited"' \
	"$dir/out/report.json" 2>/dev/null || echo "?")
echo "offline nvgrect verify --stream     $(mps "$rv")  (median $tv us; $got)" \
	" target >= 6 M/s: $(verdict "$rv" 6000000)"
echo "        (load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs; CPU time per run" \
	"$tc us = $(mps "$(rate "$frames" "$tc")") of CPU)"
if command -v tshark >/dev/null 2>&1; then
	t0=$(now_us)
	tshark -n -r "$dir/cap.pcap" -T fields -e gre.key >/dev/null 2>&1 || true
	tt=$(($(now_us) - t0))
	rt=$(rate "$frames" "$tt")
	echo "offline tshark -T fields -e gre.key  $(mps "$rt")  ($tt us, one run)" \
		" nvgrect/tshark $(ratio "$rv" "$rt" 1)x"
else
	echo "offline tshark: not installed, skipped"
fi

# --- memory ------------------------------------------------------------------
if command -v editcap >/dev/null 2>&1 && [ -x /usr/bin/time ]; then
	editcap -r "$dir/cap.pcap" "$dir/tenth.pcap" 1-$((frames / 10))
	m1=$(maxrss $VERIFY -r "$dir/tenth.pcap" -o "$dir/out1")
	m2=$(maxrss $VERIFY -r "$dir/cap.pcap" -o "$dir/out2")
	echo "memory  peak RSS $((frames / 10)) frames ${m1} KiB, $frames frames ${m2} KiB:" \
		"growth $((m2 - m1)) KiB (target < 1024: $( [ $((m2 - m1)) -lt 1024 ] && echo meets || echo BELOW))"
fi
rm -f "$dir/tenth.pcap"

# --- live --------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! ip netns add "$A" 2>/dev/null; then
	echo "live    needs root and ip netns: skipped"
	exit 0
fi
ip netns add "$B"
ip link add vvA netns "$A" type veth peer name vvB netns "$B"
for ns in $A $B; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip netns exec "$A" ip link set vvA up
ip netns exec "$B" ip link set vvB up
# capture until the sender is done (SIGTERM one second after), at most 5 min
ip netns exec "$B" "$dir/capdrv" vvB 300000 "$dut" $((64 << 20)) "$suite" LAY-01 \
	>"$dir/cap.out" 2>&1 &
cpid=$!
i=0
while ! grep -q ready "$dir/cap.out" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip netns exec "$A" "$bin" gen "$suite" --dut "$dut" --case LAY-01 --count "$N" -i vvA \
	--rate "$PPS" --workers 2 >/dev/null 2>&1 || echo "live    gen -i: exit $?"
sleep 1
kill -TERM $cpid 2>/dev/null || true
wait $cpid || true
set -- $(sed -n 's/^captured \([0-9]*\) nvgre [0-9]* received \([0-9]*\) dropped \([0-9]*\) rate \([0-9]*\)$/\1 \2 \3 \4/p' "$dir/cap.out")
seen=$(sed -n 's/^verified [0-9]* probes_seen \([0-9]*\)$/\1/p' "$dir/cap.out")
if [ $# -eq 4 ]; then
	echo "live    capture.c + verifier, $PPS/s asked: captured $1 of $N, dropped $3," \
		"probes matched ${seen:-?}, $(mps "$4") arrived" \
		" target 0 dropped: $( [ "$3" -eq 0 ] && [ "$1" -eq "$N" ] && echo meets || echo BELOW)"
else
	echo "live    capture failed: $(cat "$dir/cap.out")"
fi
exit 0
