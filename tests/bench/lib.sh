# lib.sh - sourced by the bench scripts: a scratch dir on tmpfs, two namespace
# names cleaned up on exit, and the arithmetic every bench prints with.
#   bench_init TAG   sets dir, A, B and the EXIT/INT/TERM cleanup trap

bench_init() {
	dir=$(mktemp -d "/dev/shm/nvt-bench-$1.XXXXXX" 2>/dev/null || mktemp -d "/tmp/nvt-bench-$1.XXXXXX")
	A=nvt-b$1-$$-a
	B=nvt-b$1-$$-b
	trap bench_cleanup EXIT INT TERM
}

bench_cleanup() {
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$dir"
}

now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
rate() { awk -v n="$1" -v us="$2" 'BEGIN {printf "%.0f", n / (us / 1e6)}'; }
# ratio A B [DECIMALS]
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {printf "%.*f", d, a / b}'; }
mps() { awk -v r="$1" 'BEGIN {printf "%.2f M/s", r / 1e6}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {print (v >= t) ? "meets" : "BELOW"}'; }
