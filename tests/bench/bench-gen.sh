#!/bin/sh
# The crafter against its peers and limits, all in one run (DESIGN.md §9):
#  file  `nvgrect gen --count N` of 116-byte NVGRE frames to a pcap on tmpfs,
#        against write(2) of the same bytes in 1 MiB blocks (target >= 60%),
#        and scapy building the same frame shape (scaled count);
#  live  N frames on a veth pair into a namespace: nvgrect (1 and 2 workers)
#        against trafgen (netsniff-ng) and tcpreplay --topspeed with the same
#        frames (targets: >= 0.75 M/s on one core, >= 1.25 M/s with two).
# Runs are interleaved; each figure is the median of RUNS. Whole-process wall
# time for nvgrect, trafgen, tcpreplay and scapy; the raw write is timed
# inside its process (start-up and reading excluded: the limit, not a peer).
# trafgen tunes net.core socket memory while it runs and restores it on exit.
# Env: NVGRECT, BUILD, BENCH_N (1000000), BENCH_RUNS (5), BENCH_LIVE_RUNS (3),
# BENCH_SCAPY_N (3000).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
bin=${NVGRECT:-$BUILD/nvgrect}
N=${BENCH_N:-1000000}
RUNS=${BENCH_RUNS:-5}
SN=${BENCH_SCAPY_N:-3000}
py=/usr/bin/python3
suite=$root/suites/interop/layouts.yaml
dut=$root/tests/golden/gen/dut.yaml
GEN="$bin gen $suite --dut $dut --case LAY-01 --count $N"

. "$here/lib.sh"
bench_init gen

cc -O2 -o "$dir/rawwrite" "$here/rawwrite.c"
echo "frames: $N x 116 B (suites/interop/layouts.yaml LAY-01 as a --count stream); $RUNS runs"
echo "output: $dir ($(df -P "$dir" | awk 'NR == 2 {print $1}'))"

# --- file ------------------------------------------------------------------
: >"$dir/t_gen"
: >"$dir/t_raw"
for r in $(seq "$RUNS"); do
	rm -f "$dir/gen.pcap" "$dir/raw.pcap"
	t0=$(now_us)
	$GEN -w "$dir/gen.pcap" 2>/dev/null
	echo $(($(now_us) - t0)) >>"$dir/t_gen"
	"$dir/rawwrite" "$dir/gen.pcap" "$dir/raw.pcap" >>"$dir/t_raw"
done
tg=$(median <"$dir/t_gen")
tr=$(median <"$dir/t_raw")
rg=$(rate "$N" "$tg")
rr=$(rate "$N" "$tr")
q=$(ratio "$rg" "$rr")
echo "file   nvgrect gen -w x.pcap        $(mps "$rg")  (median $tg us)"
echo "file   raw write(2), same bytes     $(mps "$rr")  (median $tr us)"
echo "file   ratio gen/raw write          $q  (target >= 0.60: $(verdict "$q" 0.60))"

if $py -c 'import scapy' 2>/dev/null; then
	t0=$(now_us)
	$py "$here/scapy_gen.py" "$SN" "$dir/scapy.pcap"
	ts=$(($(now_us) - t0))
	rs=$(rate "$SN" "$ts")
	echo "file   scapy, $SN frames             $rs /s  (nvgrect is $(ratio "$rg" "$rs")x faster)"
else
	echo "file   scapy: not installed, skipped"
fi

# --- live ------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! ip netns add "$A" 2>/dev/null; then
	echo "live   needs root and ip netns: skipped"
	exit 0
fi
ip netns add "$B"
ip link add vbA netns "$A" type veth peer name vbB netns "$B"
for ns in $A $B; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip netns exec "$A" ip link set vbA up
ip netns exec "$B" ip link set vbB up
rx() { ip netns exec "$B" cat /sys/class/net/vbB/statistics/rx_packets; }

# the same frame for trafgen, from the first frame gen wrote
od -An -tx1 -v -j 40 -N 116 "$dir/gen.pcap" |
	awk 'BEGIN {printf "{ "} {for (i = 1; i <= NF; i++) printf "%s0x%s", (n++ ? ", " : ""), $i}
	     END {print " }"}' >"$dir/frame.cfg"

run_live() {    # name command...; appends "us rx cpu_us" to $dir/l_name
	name=$1
	shift
	r0=$(rx)
	t0=$(now_us)
	/usr/bin/time -f "%U %S" -o "$dir/cpu" "$@" >/dev/null 2>&1 ||
		echo "live   $name: exit $?" >&2
	t=$(($(now_us) - t0))
	cpu=$(awk 'END {printf "%.0f", ($1 + $2) * 1e6}' "$dir/cpu")
	echo "$t $(($(rx) - r0)) $cpu" >>"$dir/l_$name"
}

LR=${BENCH_LIVE_RUNS:-3}
for r in $(seq "$LR"); do
	run_live gen1 ip netns exec "$A" $GEN -i vbA --rate 10000000
	run_live gen2 ip netns exec "$A" $GEN -i vbA --rate 10000000 --workers 2
	if command -v trafgen >/dev/null 2>&1; then
		run_live trafgen ip netns exec "$A" trafgen -o vbA -i "$dir/frame.cfg" -n "$N" \
			-P 1 -Q -C
	fi
	if command -v tcpreplay >/dev/null 2>&1; then
		run_live tcpreplay ip netns exec "$A" tcpreplay -q --topspeed -i vbA "$dir/gen.pcap"
	fi
done

live_rate() {   # name -> "rate rx_min rate_per_cpu_second"
	[ -s "$dir/l_$1" ] || { echo "0 0 0"; return; }
	t=$(awk '{print $1}' "$dir/l_$1" | median)
	c=$(awk '{print $3}' "$dir/l_$1" | median)
	echo "$(rate "$N" "$t") $(awk 'NR == 1 || $2 < m {m = $2} END {print m}' "$dir/l_$1")" \
		"$(rate "$N" "$c")"
}
set -- $(live_rate gen1); g1=$1; g1rx=$2; g1c=$3
set -- $(live_rate gen2); g2=$1; g2rx=$2; g2c=$3
set -- $(live_rate trafgen); tf=$1; tfrx=$2; tfc=$3
set -- $(live_rate tcpreplay); tp=$1; tprx=$2; tpc=$3
# wall-clock rates depend on what else runs on the two CPUs; frames per
# CPU-second (user + system of the sender, which on veth includes the
# peer's receive softirq) is what one core can do
echo "live   (load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs; per-CPU-s = frames per second of sender CPU time)"
echo "live   nvgrect gen -i, 1 worker     $(mps "$g1")  $(mps "$g1c") per-CPU-s  (peer received >= $g1rx of $N)" \
	" target >= 0.75 M/s: $(verdict "$g1" 750000)"
echo "live   nvgrect gen -i, 2 workers    $(mps "$g2")  $(mps "$g2c") per-CPU-s  (peer received >= $g2rx of $N)" \
	" target >= 1.25 M/s: $(verdict "$g2" 1250000)"
[ "$tf" != 0 ] && echo "live   trafgen -P 1                 $(mps "$tf")  $(mps "$tfc") per-CPU-s  (peer received >= $tfrx)" \
	" nvgrect/trafgen $(ratio "$g1" "$tf") (per CPU-s $(ratio "$g1c" "$tfc"))"
[ "$tp" != 0 ] && echo "live   tcpreplay --topspeed         $(mps "$tp")  $(mps "$tpc") per-CPU-s  (peer received >= $tprx)" \
	" nvgrect/tcpreplay $(ratio "$g1" "$tp") (per CPU-s $(ratio "$g1c" "$tpc"))"
exit 0
