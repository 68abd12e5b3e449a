#!/bin/sh
# bench-diagnose.sh [SIZE_MB] - time `nvgrect diagnose` on a field capture of
# SIZE_MB (default 1000) made by repeating the seed incident, in /dev/shm so
# the disk does not set the pace. Prints frames/s, MB/s and peak RSS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
NVGRECT=${NVGRECT:-$here/../../build/nvgrect}
mb=${1:-1000}
tmp=$(mktemp -d /dev/shm/nvt-diagnose-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
/usr/bin/python3 "$here/make_captures.py" "$tmp" incident-at-draft00 >/dev/null
n=$(/usr/bin/python3 "$here/make_big.py" "$tmp/incident-at-draft00.pcap" "$tmp/big.pcap" $((mb * 1000000)))
bytes=$(wc -c <"$tmp/big.pcap")
t0=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$tmp/rss" "$NVGRECT" diagnose "$tmp/big.pcap" >"$tmp/out" || [ $? -eq 1 ]
t1=$(date +%s.%N)
awk -v n="$n" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v rss="$(tail -1 "$tmp/rss")" 'BEGIN {
	s = t1 - t0
	printf "diagnose: %d frames, %.0f MB in %.2f s: %.2f M frames/s, %.0f MB/s, peak RSS %.1f MiB\n",
		n, b / 1e6, s, n / s / 1e6, b / s / 1e6, rss / 1024 }'
head -4 "$tmp/out" | tail -1
