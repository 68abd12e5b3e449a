#!/bin/sh
# check-longrun.sh - a 10 M-frame stream (`nvgrect gen --count 10000000 -w`
# to tmpfs) and its verification (`nvgrect verify --stream`): resident
# memory grows < 1 MiB and the open file descriptors stay flat once each
# process is past its first 10% (issue 8 §8, research L1). VmRSS and RssAnon
# are sampled from /proc every 50 ms; the growth is max - baseline, the
# baseline being the first sample after 10% of the work.
# LONGRUN_FRAMES (default 10000000) scales it; TMPDIR_LR picks the tmpfs.
set -eu
: "${NVGRECT:=$(cd "$(dirname "$0")/../.." && pwd)/build/nvgrect}"
top=$(cd "$(dirname "$0")/../.." && pwd)
FRAMES=${LONGRUN_FRAMES:-10000000}
base=${TMPDIR_LR:-/dev/shm}
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
dir=$(mktemp -d "$base/nvt-longrun-$$.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
SUITE=$top/tests/e2e/data/run-mini.yaml
DUT=$top/suites/duts/lab.yaml
LIMIT_KB=1024

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

kb() {   # kb PID FIELD: a /proc/PID/status field in kB, empty once gone
	sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null
}

# watch LABEL PID PROGRESS-CMD TOTAL: sample until PID exits; checks growth.
watch() {
	label=$1 pid=$2 progress=$3 total=$4
	b_rss= b_anon= b_fds= m_rss=0 m_anon=0 m_fds=0 n=0
	while kill -0 "$pid" 2>/dev/null; do
		rss=$(kb "$pid" VmRSS) anon=$(kb "$pid" RssAnon)
		fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
		done_=$(eval "$progress" 2>/dev/null || echo 0)
		if [ -n "$rss" ] && [ -n "$anon" ] && [ "${done_:-0}" -ge $((total / 10)) ]; then
			if [ -z "$b_rss" ]; then
				b_rss=$rss b_anon=$anon b_fds=$fds
			fi
			[ "$rss" -gt "$m_rss" ] && m_rss=$rss
			[ "$anon" -gt "$m_anon" ] && m_anon=$anon
			[ "$fds" -gt "$m_fds" ] && m_fds=$fds
			n=$((n + 1))
		fi
		sleep 0.05
	done
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "$label exited $rc"
	[ "$n" -ge 3 ] || fail "$label: only $n samples past 10% (too fast to watch?)"
	g_rss=$((m_rss - b_rss)) g_anon=$((m_anon - b_anon))
	echo "ok: $label: $n samples; VmRSS $b_rss -> max $m_rss kB (+$g_rss)," \
		"RssAnon $b_anon -> max $m_anon kB (+$g_anon), fds $b_fds -> max $m_fds"
	[ "$g_rss" -lt $LIMIT_KB ] || fail "$label: VmRSS grew $g_rss kB (>= 1 MiB)"
	[ "$g_anon" -lt $LIMIT_KB ] || fail "$label: RssAnon grew $g_anon kB (>= 1 MiB)"
	[ "$m_fds" -eq "$b_fds" ] || fail "$label: file descriptors grew $b_fds -> $m_fds"
}

t0=$(date +%s)
"$NVGRECT" gen "$SUITE" --dut "$DUT" --count "$FRAMES" -w "$dir/stream.pcap" &
# pcap: 24-byte header, then 16 + frame bytes per record (116-byte frames)
watch "gen --count $FRAMES" $! "echo \$((\$(stat -c %s '$dir/stream.pcap.tmp' 2>/dev/null || stat -c %s '$dir/stream.pcap') / 132))" "$FRAMES"
size=$(stat -c %s "$dir/stream.pcap")
echo "   stream: $size bytes"

"$NVGRECT" verify "$SUITE" --dut "$DUT" -r "$dir/stream.pcap" -o "$dir/out" --stream -q &
pid=$!
watch "verify --stream" "$pid" "echo \$((\$(sed -n 's/^rchar: //p' /proc/$pid/io) / 132))" "$FRAMES"
seen=$(jq '.summary.capture.probes_seen' "$dir/out/report.json")
[ "$seen" -eq "$FRAMES" ] || fail "verify saw $seen probes of $FRAMES"
echo "ok: verify matched all $seen frames; $(($(date +%s) - t0)) s in all"
echo "check-longrun: all passed"
